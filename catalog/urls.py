from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("projects/<slug:slug>/", views.project_detail, name="detail"),
    path("portal/projects/", views.my_projects, name="my_projects"),
    path("portal/projects/new/", views.project_create, name="project_create"),
    path("portal/projects/<int:pk>/", views.project_manage, name="project_manage"),
    path("portal/projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("portal/projects/<int:pk>/send/", views.project_propose, name="project_propose"),
    path(
        "portal/projects/<int:pk>/images/<int:image_pk>/remove/",
        views.project_image_remove,
        name="project_image_remove",
    ),
]
