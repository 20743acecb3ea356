"""django-allauth adapters: where people land after signing in, the platform's email address rules, allauth's
emails in the service's own form, and the rules for two-factor authentication (accounts/two_factor.py)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import two_factor
from accounts.roles import roles_of
from notifications import links, rendering

# Where a person was going when they signed up ("Apply to be an ambassador", then "Create an account"). Email
# verification sits between sign-up and the first sign-in, which has no `next` of its own: the session keeps it.
SIGNUP_NEXT_KEY = "accounts:signup_next"
TOTP_ON_MESSAGE = "Two-factor authentication is on. Save your recovery codes: you need one if you lose your phone."
KEY_ON_MESSAGE = (
    "Two-factor authentication is on with your security key. Save your recovery codes: you need one if you lose "
    "your key."
)
KEY_ADDED_MESSAGE = "Security key added. You can now sign in with it."
FIRST_SET_UP_PAGES = {"mfa_activate_totp", "mfa_add_webauthn"}


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit)
        next_url = request.POST.get("next") or request.GET.get("next")
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            request.session[SIGNUP_NEXT_KEY] = next_url
        return user

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        next_url = request.session.pop(SIGNUP_NEXT_KEY, None)
        if next_url:
            return str(next_url)
        user = request.user
        if user.is_authenticated and not roles_of(user).involved:
            return reverse("accounts:onboarding")
        return super().get_login_redirect_url(request)

    def clean_email(self, email: str) -> str:
        return super().clean_email(email).lower()

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """allauth's emails (verification, password reset, address and security changes) made like the service's
        own (notifications/rendering.py): the subject and text rendered as plain text, never HTML-escaped; the HTML
        part that text in the one email layout; every link on SITE_URL rather than on the host that was asked.
        The words are ours: templates/account/email/ and templates/mfa/email/. These emails are about the person's
        account, so they go whatever email choices the person made, and carry no unsubscribe link."""
        context = {
            **{
                key: links.on_site(value) if key.endswith("_url") and isinstance(value, str) and value else value
                for key, value in context.items()
            },
            **rendering.site_context(),
            "reset_password_page_url": links.absolute_reverse("account_reset_password"),
        }
        subject = self.format_email_subject(rendering.subject_line(f"{template_prefix}_subject.txt", context))
        text = rendering.plain_text(f"{template_prefix}_message.txt", context).strip() + "\n"
        message = EmailMultiAlternatives(
            subject, text, self.get_from_email(), [email] if isinstance(email, str) else email, headers=headers
        )
        message.attach_alternative(rendering.html_version(subject=subject, text=text), "text/html")
        return message

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        """Turning on an authenticator app, or adding a first security key, makes allauth say two things (the app or
        key, then the codes generated): one banner that says what happened and what to do next is clearer."""
        match = getattr(request, "resolver_match", None)
        url_name = match.url_name if match is not None else None
        if url_name in FIRST_SET_UP_PAGES and message_template == "mfa/messages/recovery_codes_generated.txt":
            return
        if url_name == "mfa_activate_totp" and message_template == "mfa/messages/totp_activated.txt":
            message = TOTP_ON_MESSAGE
        if message_template == "mfa/messages/webauthn_added.txt":
            # allauth makes the recovery codes just after this message: none yet means this is the first key.
            message = KEY_ADDED_MESSAGE if _has_recovery_codes(request.user) else KEY_ON_MESSAGE
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Setting up a first authenticator a few minutes after signing in with the password does not ask for the
        password again (a new member of staff goes: password, authenticator set-up, recovery codes). Everything else
        that allauth guards keeps its re-authentication step."""
        request = self.request
        if (
            app == "allauth.mfa"
            and request is not None
            and request.user.is_authenticated
            and two_factor.set_up_since_recent_password_sign_in(request)
        ):
            return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))


def _has_recovery_codes(user: Any) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()


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
