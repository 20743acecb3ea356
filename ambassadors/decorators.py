"""Role checks for the ambassadors programme's views.

As in accounts/decorators.py, a page for a role answers 404 to everyone signed in without it: it does not admit the
page exists. Anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def programme_team_required(view: View) -> View:
    """Signed in and on the programme team."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request.user, "is_programme_team", False):
            raise Http404
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
            raise Http404
        ambassador = (
            Ambassador.objects.filter(user=user, status=Ambassador.Status.ACTIVE)
            .select_related("region", "cohort", "user")
            .first()
        )
        if ambassador is None:
            raise Http404
        return view(request, *args, ambassador=ambassador, **kwargs)

    return wrapped
