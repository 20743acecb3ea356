"""Role checks for views. Each one also requires sign-in (anonymous visitors are sent to the sign-in page).

Two rules, applied the same way everywhere:
- Programme team tools (vetting, the lists) answer 404 to everyone else: they do not admit the page exists.
- The mentor directory is in every signed-in person's menu, so it answers 403 with a page that explains who can
  see mentors and how to get there (create or join a mutual), rather than pretending it is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import selectors

View = Callable[..., HttpResponse]


def programme_team_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request.user, "is_programme_team", False):
            raise Http404("Not found")
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def mutual_member_or_programme_team_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.can_see_mentor_directory(request.user):
            return render(request, "accounts/mentor_directory_forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return login_required(wrapped)
