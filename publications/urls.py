from django.urls import path

from . import feeds, views

app_name = "publications"

urlpatterns = [
    path("publications/", views.library, name="library"),
    path("publications/feed/", feeds.PublicationsFeed(), name="feed"),
    path("publications/<slug:slug>/", views.detail, name="detail"),
    path("publications/<slug:slug>/download/", views.download, name="download"),
]
