from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("members/", views.directory, name="directory"),
    path("members/overview/", views.overview, name="overview"),
    path("members/partners/", views.partners, name="partners"),
    path("members/<slug:slug>/", views.profile, name="profile"),
    path("about/", views.about, name="about"),
    path("offices/", views.offices, name="offices"),
    path("offices/<slug:slug>/", views.office_detail, name="office"),
    path("join/", views.join, name="join"),
    path("join/submitted/", views.join_submitted, name="join_submitted"),
    path("portal/", views.dashboard, name="dashboard"),
    path("portal/welcome/", views.welcome, name="welcome"),
    path(
        "portal/organizations/<slug:slug>/", views.portal_organization, name="portal_organization"
    ),
    path("portal/organizations/<slug:slug>/profile/", views.profile_edit, name="profile_edit"),
    path("portal/organizations/<slug:slug>/logo/", views.logo_edit, name="logo_edit"),
    path("portal/organizations/<slug:slug>/photos/", views.photos_edit, name="photos_edit"),
    path(
        "portal/organizations/<slug:slug>/photos/<int:pk>/remove/",
        views.photo_remove,
        name="photo_remove",
    ),
    path("portal/organizations/<slug:slug>/people/invite/", views.invite_colleague, name="invite"),
]
