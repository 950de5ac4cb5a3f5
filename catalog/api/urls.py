from rest_framework.routers import SimpleRouter

from .views import ProjectViewSet

router = SimpleRouter()
router.register("catalog/projects", ProjectViewSet, basename="catalog-project")

urlpatterns = router.urls
