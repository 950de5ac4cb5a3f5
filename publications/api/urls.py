from rest_framework.routers import SimpleRouter

from .views import PublicationViewSet

router = SimpleRouter()
router.register("publications", PublicationViewSet, basename="publication")

urlpatterns = router.urls
