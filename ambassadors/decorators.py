"""Role checks for the ambassadors programme's views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def programme_team_required(view: View) -> View:
    """Signed in and on the programme team; anyone else signed in gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request.user, "is_programme_team", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def ambassador_required(view: View) -> View:
    """Signed in and an active ambassador; the ambassador record is passed to the view as `ambassador`."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from accounts.models import User
        from ambassadors.models import Ambassador

        user = request.user
        if not isinstance(user, User):
            raise PermissionDenied
        ambassador = (
            Ambassador.objects.filter(user=user, status=Ambassador.Status.ACTIVE)
            .select_related("region", "cohort", "user")
            .first()
        )
        if ambassador is None:
            raise PermissionDenied
        return view(request, *args, ambassador=ambassador, **kwargs)

    return wrapped
