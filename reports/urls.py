from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("numbers/", views.numbers, name="numbers"),
    path("numbers/report/<int:year>/", views.annual_report, name="annual_report"),
    path("numbers/report-runs/<int:pk>/", views.run_detail, name="run"),
    path("numbers/report-runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("numbers/report-runs/<int:pk>/pdf/", views.run_download, name="run_download"),
]
