"""The ambassador's own pages: the one role check that needs the ambassadors app (the others, including the
programme team's, are in accounts/decorators.py). A page for the role answers 404 to everyone signed in without it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


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
