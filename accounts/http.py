"""Small helpers every app's views share: the request type behind login_required, and reading a form's data."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict

from accounts.models import User

GET_AND_POST = ["GET", "POST"]


class AuthenticatedRequest(HttpRequest):
    """What a view behind login_required (or a role decorator) receives."""

    user: User


def posted(request: HttpRequest) -> QueryDict | None:
    """The POST data on a POST (even an empty one, so the form is validated and shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def user_of(request: HttpRequest) -> User:
    """The signed-in person (for views behind login_required)."""
    user = request.user
    assert isinstance(user, User), "user_of() is for views behind login_required"
    return user
