from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/calendar.ics", views.feed, name="feed"),
    path("events/calendar/", views.month_redirect, name="calendar"),
    path("events/calendar/<int:year>/<int:month>/", views.month, name="month"),
    path("events/feeds/<slug:token>.ics", views.personal_feed, name="personal_feed"),
    path(
        "events/registrations/confirm/<str:token>/",
        views.confirm_registration,
        name="confirm_registration",
    ),
    path("events/registrations/cancel/<str:token>/", views.cancel_by_link, name="cancel_by_link"),
    path(
        "events/registrations/sharing/<str:token>/",
        views.stop_sharing_by_link,
        name="stop_sharing",
    ),
    path("events/<slug:slug>/", views.event_detail, name="detail"),
    path("events/<slug:slug>/calendar.ics", views.event_ics, name="event_ics"),
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("events/<slug:slug>/register/visitor/", views.register_visitor, name="register_visitor"),
    path("events/<slug:slug>/register/sent/", views.registration_sent, name="registration_sent"),
    path("portal/events/", views.my_registrations, name="my_registrations"),
    path(
        "portal/events/registrations/<int:pk>/cancel/",
        views.cancel_registration,
        name="cancel_registration",
    ),
    path("portal/events/calendar-address/", views.feed_token, name="feed_token"),
    path("portal/events/hosted/", views.hosted_events, name="hosted"),
    path(
        "portal/events/hosted/<slug:slug>/registrations.csv",
        views.hosted_registrations_csv,
        name="hosted_registrations_csv",
    ),
]
