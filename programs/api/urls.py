from rest_framework.routers import SimpleRouter

from .views import MyApplicationViewSet

router = SimpleRouter()
router.register("me/applications", MyApplicationViewSet, basename="my-application")

urlpatterns = router.urls
