from django.urls import path

from programme import announcement_views, import_views, pipeline_views, views

app_name = "programme"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("report.csv", views.report_csv, name="report_csv"),
    path("pipeline/", pipeline_views.pipeline_list, name="pipeline"),
    path("pipeline/<slug:slug>/", pipeline_views.pipeline_mutual, name="pipeline_mutual"),
    path("emails/failed/", views.failed_emails, name="failed_emails"),
    path("emails/<int:pk>/try-again/", views.email_retry, name="email_retry"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit.csv", views.audit_log_csv, name="audit_log_csv"),
    path("announcements/", announcement_views.announcement_list, name="announcement_list"),
    path("announcements/new/", announcement_views.announcement_create, name="announcement_create"),
    path("announcements/<int:pk>/", announcement_views.announcement_detail, name="announcement_detail"),
    path("announcements/<int:pk>/send/", announcement_views.announcement_send, name="announcement_send"),
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
]
