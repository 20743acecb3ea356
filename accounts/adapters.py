"""django-allauth adapters: where people land after signing in, the platform's email address rules, and the rules
for two-factor authentication (accounts/two_factor.py)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest
from django.urls import reverse

from accounts import two_factor


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

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Setting up a first authenticator a few minutes after signing in with the password does not ask for the
        password again (a new member of staff goes: password, then authenticator set-up). Everything else that
        allauth guards keeps its re-authentication step."""
        request = self.request
        if (
            app == "allauth.mfa"
            and request is not None
            and request.user.is_authenticated
            and not two_factor.has_authenticator(request.user)
            and two_factor.recently_signed_in_with_password(request)
        ):
            return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Programme staff and administrators must keep two-factor authentication. Ask another member of the "
            "programme team to remove your staff role first."
        ),
    }

    def can_delete_authenticator(self, authenticator: Any) -> bool:
        return not two_factor.is_privileged(authenticator.user)
