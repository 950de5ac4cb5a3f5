from rest_framework.routers import SimpleRouter

from .views import InitiativeViewSet, SupplierViewSet

router = SimpleRouter()
router.register("health/initiatives", InitiativeViewSet, basename="health-initiative")
router.register("health/suppliers", SupplierViewSet, basename="health-supplier")

urlpatterns = router.urls
