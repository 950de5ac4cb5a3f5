from django.urls import path

from . import views

app_name = "health"

urlpatterns = [
    path("smart-health-responder/", views.index, name="index"),
    path("smart-health-responder/data-portal/", views.initiative_list, name="initiatives"),
    path(
        "smart-health-responder/data-portal/template.docx",
        views.initiative_template,
        name="initiative_template",
    ),
    path(
        "smart-health-responder/data-portal/<int:pk>/",
        views.initiative_detail,
        name="initiative",
    ),
    path(
        "smart-health-responder/data-portal/<int:pk>/files/<int:file_pk>/",
        views.initiative_file,
        name="initiative_file",
    ),
    path("smart-health-responder/knowledge-hub/", views.knowledge_hub, name="knowledge_hub"),
    path(
        "smart-health-responder/knowledge-hub/materials/",
        views.material_list,
        name="materials",
    ),
    path(
        "smart-health-responder/knowledge-hub/materials/<int:pk>/document/",
        views.material_file,
        name="material_file",
    ),
    path("smart-health-responder/assistance/", views.supplier_list, name="suppliers"),
    path("smart-health-responder/assistance/inquiry/", views.inquiry, name="inquiry"),
    path(
        "smart-health-responder/assistance/inquiry/sent/",
        views.inquiry_sent,
        name="inquiry_sent",
    ),
    path(
        "smart-health-responder/assistance/suppliers/<slug:slug>/",
        views.supplier_detail,
        name="supplier",
    ),
    path(
        "smart-health-responder/assistance/suppliers/<slug:slug>/inquiry/",
        views.inquiry,
        name="supplier_inquiry",
    ),
    # Member portal
    path("portal/health/initiatives/", views.my_initiatives, name="my_initiatives"),
    path("portal/health/initiatives/new/", views.initiative_create, name="initiative_create"),
    path(
        "portal/health/initiatives/from-template/",
        views.initiative_import,
        name="initiative_import",
    ),
    path("portal/health/initiatives/<int:pk>/", views.initiative_manage, name="initiative_manage"),
    path("portal/health/initiatives/<int:pk>/edit/", views.initiative_edit, name="initiative_edit"),
    path(
        "portal/health/initiatives/<int:pk>/submit/",
        views.initiative_submit,
        name="initiative_submit",
    ),
    path(
        "portal/health/initiatives/<int:pk>/files/<int:file_pk>/remove/",
        views.initiative_file_remove,
        name="initiative_file_remove",
    ),
]
