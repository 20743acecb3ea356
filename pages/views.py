from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.models import SupportTopic
from information import selectors as information_selectors
from pages.health import run_checks

logger = logging.getLogger(__name__)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, rendered without the request: the failure may be in a context processor or the database."""
    context = {
        "site_name": settings.SITE_NAME,
        "static_url": settings.STATIC_URL,
        "support_email": settings.SUPPORT_EMAIL,
    }
    try:
        body = loader.get_template("500.html").render(context)
    except Exception:  # the error page must never fail in turn
        logger.exception("the 500 page could not be rendered")
        return HttpResponse(
            "Sorry, there is a problem with the service. Try again later.", status=500, content_type="text/plain"
        )
    return HttpResponse(body, status=500)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    context = {"case_studies": list(information_selectors.published_case_studies()[:3])}
    return render(request, "pages/home.html", context)


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/contact.html", {"working_days": settings.ENQUIRY_RESPONSE_WORKING_DAYS})


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    topics = SupportTopic.objects.filter(is_active=True).order_by("order", "name")
    return render(request, "pages/about.html", {"topics": topics})


@require_safe
def cookies(request: HttpRequest) -> HttpResponse:
    """The cookies table, read from the settings that set them so the page cannot drift from what we do."""
    context = {
        "session_cookie_name": settings.SESSION_COOKIE_NAME,
        "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "session_absolute_hours": int(settings.SESSION_ABSOLUTE_LIMIT.total_seconds() // 3600),
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "csrf_cookie_lifetime": describe_lifetime(settings.CSRF_COOKIE_AGE),
    }
    return render(request, "pages/cookies.html", context)


def describe_lifetime(seconds: int | None) -> str:
    if seconds is None:
        return "When you close your browser"
    days = seconds / 86400
    if days >= 360:
        years = round(days / 365)
        return f"{years} year" if years == 1 else f"{years} years"
    if days >= 1:
        whole_days = round(days)
        return f"{whole_days} day" if whole_days == 1 else f"{whole_days} days"
    minutes = round(seconds / 60)
    return f"{minutes} minutes"


@never_cache
@require_safe
def healthz_live(request: HttpRequest) -> JsonResponse:
    """Liveness: this process is up and answers requests. It asks nothing else, so a database or Redis outage never
    makes an orchestrator restart every web host at once (restarting would not bring the database back)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness (/healthz/ready, and /healthz as before): JSON on the database, the cache and the broker; 503 when
    any of them is down, so a load balancer sends this host no traffic until they answer again."""
    results = run_checks()
    healthy = all(result.ok for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": {name: r.as_json() for name, r in results.items()}},
        status=200 if healthy else 503,
    )
