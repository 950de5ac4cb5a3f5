from rest_framework.routers import SimpleRouter

from .views import EventViewSet, MyRegistrationViewSet

router = SimpleRouter()
router.register("events", EventViewSet, basename="event")
router.register("me/event-registrations", MyRegistrationViewSet, basename="my-registration")

urlpatterns = router.urls
