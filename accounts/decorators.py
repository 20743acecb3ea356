"""Role checks for every app's views. Each one also requires sign-in (anonymous visitors are sent to sign in).

Two ways to say no, applied the same way everywhere:
- A page for a role that is in someone's menu but not theirs yet (asking for a mentor, a mentor's introductions,
  the mentor directory) answers 403 with a page that explains who can use it and how to get there.
- Tools for a role nobody else should know about (the programme team's pages, an ambassador's own pages) answer
  404: they do not admit the page exists.

Objects always come from a selector scoped to the person, through get_object_or_404: someone else's object is the
same 404 as one that does not exist.
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


def role_required(allowed: Callable[[Any], bool], *, forbidden_template: str | None = None) -> Callable[[View], View]:
    """A decorator for a role: `allowed(user)` says who has it; everyone else gets the 403 page `forbidden_template`
    explains, or a 404 when there is none."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not allowed(request.user):
                if forbidden_template is None:
                    raise Http404("Not found")
                return render(request, forbidden_template, status=403)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


programme_team_required = role_required(lambda user: bool(getattr(user, "is_programme_team", False)))
mutual_member_required = role_required(
    selectors.is_mutual_member, forbidden_template="accounts/forbidden_not_member.html"
)
mentor_required = role_required(selectors.is_mentor, forbidden_template="accounts/forbidden_not_mentor.html")
mutual_member_or_programme_team_required = role_required(
    selectors.can_see_mentor_directory, forbidden_template="accounts/mentor_directory_forbidden.html"
)
