from rest_framework.routers import SimpleRouter

from .views import DecisionViewSet, MeetingViewSet, MyVoteViewSet

router = SimpleRouter()
router.register("governance/decisions", DecisionViewSet, basename="governance-decision")
router.register("governance/meetings", MeetingViewSet, basename="governance-meeting")
router.register("me/votes", MyVoteViewSet, basename="my-vote")

urlpatterns = router.urls
