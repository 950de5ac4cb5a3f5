from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", views.subscribe_view, name="subscribe"),
    path("newsletter/check-your-email/", views.check_email, name="check_email"),
    path("newsletter/confirm/<str:token>/", views.confirm_view, name="confirm"),
    path("newsletter/preferences/<str:token>/", views.preferences_view, name="preferences"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
