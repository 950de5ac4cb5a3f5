from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.privacy_notice, name="notice"),
    path("privacy/cookies/", views.cookie_statement, name="cookies"),
    path("account/my-data/", views.my_data, name="my_data"),
    path("account/my-data/export/", views.export_request, name="export_request"),
    path(
        "account/my-data/exports/<int:pk>/download/", views.export_download, name="export_download"
    ),
    path(
        "account/my-data/consents/<int:pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("account/my-data/delete/", views.erasure_request, name="erasure_request"),
    path("account/my-data/delete/confirm/", views.erasure_confirm, name="erasure_confirm"),
    path("account/my-data/delete/cancel/", views.erasure_cancel, name="erasure_cancel"),
]
