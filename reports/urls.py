from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("numbers/", views.numbers, name="numbers"),
    path("numbers/report/<int:year>/", views.annual_report, name="annual_report"),
    path("numbers/report-runs/new/", views.run_new, name="run_new"),
    path("numbers/report-runs/<int:pk>/", views.run_detail, name="run"),
    path("numbers/report-runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("numbers/annual-reports/<int:pk>.pdf", views.published_pdf, name="published_pdf"),
    path("numbers/report-runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("numbers/report-runs/<int:pk>/pdf/", views.run_download, name="run_download"),
]
