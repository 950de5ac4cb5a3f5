from rest_framework.routers import SimpleRouter

from .views import EditionViewSet, MyEntryViewSet

router = SimpleRouter()
router.register("award-editions", EditionViewSet, basename="award-edition")
router.register("me/award-entries", MyEntryViewSet, basename="my-award-entry")

urlpatterns = router.urls
