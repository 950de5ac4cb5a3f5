from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("programs/", views.program_list, name="list"),
    path("programs/<slug:slug>/", views.program_detail, name="detail"),
    path("programs/<slug:slug>/calls/<slug:call_slug>/", views.call_detail, name="call"),
    path("portal/applications/", views.applications, name="applications"),
    path(
        "portal/applications/start/<slug:call_slug>/",
        views.application_start,
        name="application_start",
    ),
    path("portal/applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "portal/applications/<int:pk>/sections/<slug:key>/",
        views.application_section,
        name="application_section",
    ),
    path("portal/applications/<int:pk>/check/", views.application_check, name="application_check"),
    path(
        "portal/applications/<int:pk>/submitted/",
        views.application_submitted,
        name="application_submitted",
    ),
    path(
        "portal/applications/<int:pk>/answer/", views.application_answer, name="application_answer"
    ),
    path(
        "portal/applications/<int:pk>/messages/",
        views.application_message,
        name="application_message",
    ),
    path(
        "portal/applications/<int:pk>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "portal/applications/<int:pk>/files/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "portal/applications/<int:pk>/files/<int:attachment_pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("portal/applications/<int:pk>/letter/", views.letter_download, name="letter"),
]
