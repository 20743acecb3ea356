from django.conf import settings
from django.urls import path
from django.views.generic import TemplateView

from pages import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("accessibility/", TemplateView.as_view(template_name="pages/accessibility.html"), name="accessibility"),
    path(
        "privacy/",
        TemplateView.as_view(
            template_name="pages/privacy.html",
            # The retention periods the notice states are the ones the service applies.
            extra_context={
                "NOTICE_RETENTION_DAYS": settings.NOTICE_RETENTION_DAYS,
                "EMAIL_LOG_DAYS": settings.EMAIL_LOG_DAYS,
                "ENQUIRY_RETENTION_MONTHS": settings.ENQUIRY_RETENTION_MONTHS,
                "IMPORT_FILE_RETENTION_DAYS": settings.IMPORT_FILE_RETENTION_DAYS,
                "ENQUIRY_RATE_LIMIT_PER_HOUR": settings.ENQUIRY_RATE_LIMIT_PER_HOUR,
            },
        ),
        name="privacy",
    ),
    path("cookies/", views.cookies, name="cookies"),
    path("contact/", views.contact, name="contact"),
    # /healthz is the readiness check under its first name, kept for probes that already use it.
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.healthz_live, name="healthz_live"),
    path("healthz/ready", views.healthz, name="healthz_ready"),
]
