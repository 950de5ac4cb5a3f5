from rest_framework.routers import SimpleRouter

from .views import MyOrganizationViewSet, OfficeViewSet, OrganizationViewSet

router = SimpleRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("offices", OfficeViewSet, basename="office")
router.register("me/organizations", MyOrganizationViewSet, basename="my-organization")

urlpatterns = router.urls
