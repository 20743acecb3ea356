from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, object]:
    """Values every page needs: the service name, a contact address, and the signed-in person's roles."""
    user = request.user
    context: dict[str, object] = {"SITE_NAME": settings.SITE_NAME, "SUPPORT_EMAIL": settings.SUPPORT_EMAIL}
    if user.is_authenticated:
        context["is_programme_team"] = getattr(user, "is_programme_team", False)
    return context
