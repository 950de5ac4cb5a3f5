from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    # Public
    path("awards/", views.edition_list, name="list"),
    path("awards/<int:year>/", views.edition_detail, name="edition"),
    path("awards/<int:year>/entries/<int:pk>/", views.entry_public, name="entry"),
    path("awards/images/<int:pk>/", views.entry_image, name="image"),
    path(
        "awards/images/<int:pk>/thumbnail/",
        views.entry_image,
        {"variant": "thumbnail"},
        name="image_thumbnail",
    ),
    path("awards/documents/<int:pk>/", views.entry_document, name="document"),
    # Member portal: a city's entries
    path("awards/portal/", views.portal, name="portal"),
    path("awards/portal/<slug:slug>/<int:year>/enter/", views.entry_create, name="entry_create"),
    path("awards/portal/entries/<int:pk>/", views.entry_manage, name="entry_manage"),
    path("awards/portal/entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("awards/portal/entries/<int:pk>/images/", views.entry_images, name="entry_images"),
    path(
        "awards/portal/entries/<int:pk>/images/<int:image_pk>/delete/",
        views.entry_image_delete,
        name="entry_image_delete",
    ),
    path(
        "awards/portal/entries/<int:pk>/documents/",
        views.entry_documents,
        name="entry_documents",
    ),
    path(
        "awards/portal/entries/<int:pk>/documents/<int:document_pk>/delete/",
        views.entry_document_delete,
        name="entry_document_delete",
    ),
    path(
        "awards/portal/entries/<int:pk>/documents/<int:document_pk>/visibility/",
        views.entry_document_visibility,
        name="entry_document_visibility",
    ),
    path("awards/portal/entries/<int:pk>/submit/", views.entry_submit, name="entry_submit"),
    path(
        "awards/portal/entries/<int:pk>/submitted/",
        views.entry_submitted,
        name="entry_submitted",
    ),
    path("awards/portal/entries/<int:pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    # Judging
    path("awards/judging/", views.judging, name="judging"),
    path("awards/judging/entries/<int:pk>/", views.judging_entry, name="judging_entry"),
    path(
        "awards/judging/entries/<int:pk>/conflict/",
        views.judging_conflict,
        name="judging_conflict",
    ),
]
