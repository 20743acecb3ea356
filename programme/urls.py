from django.urls import path

from programme import views

app_name = "programme"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("report.csv", views.report_csv, name="report_csv"),
    path("emails/failed/", views.failed_emails, name="failed_emails"),
    path("emails/<int:pk>/try-again/", views.email_retry, name="email_retry"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit.csv", views.audit_log_csv, name="audit_log_csv"),
]
