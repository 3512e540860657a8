from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="index"),
    path("<slug:slug>/", views.report, name="report"),
    path("<slug:slug>.csv", views.report, {"fmt": "csv"}, name="report_csv"),
    path("<slug:slug>.xlsx", views.report, {"fmt": "xlsx"}, name="report_xlsx"),
]
