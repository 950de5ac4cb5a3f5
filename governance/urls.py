from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("governance/", views.index, name="index"),
    path("governance/decisions/", views.decisions, name="decisions"),
    path("governance/decisions/<int:pk>/", views.decision, name="decision"),
    path("governance/meetings/<slug:slug>/", views.meeting, name="meeting"),
    path("governance/documents/<int:pk>/", views.document, name="document"),
    path("portal/governance/", views.my_votes, name="my_votes"),
    path("portal/governance/votes/<int:pk>/", views.vote, name="vote"),
    path("portal/governance/votes/<int:pk>/proxy/", views.proxy, name="proxy"),
    path("portal/organizations/<slug:slug>/delegates/", views.delegates, name="delegates"),
]
