from django.urls import path

from . import feeds, views

app_name = "news"

urlpatterns = [
    path("news/", views.article_list, name="list"),
    path("news/feed/", feeds.NewsFeed(), name="feed"),
    path("news/feed/category/<slug:slug>/", feeds.NewsFeed(), name="category_feed"),
    path("news/feed/region/<slug:region>/", feeds.NewsFeed(), name="region_feed"),
    path("events/feed/", feeds.EventsFeed(), name="events_feed"),
    path("programs/calls/feed/", feeds.CallsFeed(), name="calls_feed"),
    path("news/<slug:slug>/", views.article_detail, name="detail"),
]
