"""django-allauth adapter: where people land after signing in, and the platform's email address rules."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        has_role = user.is_authenticated and (
            getattr(user, "is_programme_team", False) or user.memberships.exists() or hasattr(user, "mentor_profile")
        )
        if user.is_authenticated and not has_role:
            return reverse("accounts:onboarding")
        return super().get_login_redirect_url(request)

    def clean_email(self, email: str) -> str:
        return super().clean_email(email).lower()
