from django.urls import path

from programme import pipeline_views, views

app_name = "programme"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("report.csv", views.report_csv, name="report_csv"),
    path("pipeline/", pipeline_views.pipeline_list, name="pipeline"),
    path("pipeline/<slug:slug>/", pipeline_views.pipeline_mutual, name="pipeline_mutual"),
    path("emails/failed/", views.failed_emails, name="failed_emails"),
    path("emails/<int:pk>/try-again/", views.email_retry, name="email_retry"),
]
