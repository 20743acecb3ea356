"""allauth's security key (WebAuthn) forms, refusing a malformed key response with a message rather than a server
error. allauth parses the browser's JSON with fido2, which raises KeyError or AttributeError on a response missing
its parts (a tampered or truncated post); those become a form error here. Set in settings.MFA_FORMS."""

from __future__ import annotations

from typing import Any

from allauth.mfa.webauthn import forms as allauth_forms
from django import forms
from fido2.webauthn import AuthenticationResponse, RegistrationResponse

KEY_NOT_RECOGNISED = "Your security key was not recognised. Try again, or use another way to confirm it is you."
KEY_NOT_ADDED = "The security key could not be added. Try again, or use an authenticator app instead."
MALFORMED = (TypeError, ValueError, KeyError, AttributeError)


def _refuse_malformed(credential: Any, shape: type[Any], message: str) -> None:
    try:
        shape.from_dict(credential)
    except MALFORMED:
        raise forms.ValidationError(message, code="incorrect_code") from None


def _reword(error: forms.ValidationError, message: str) -> None:
    """allauth's "Incorrect code." means a key that was not accepted; other refusals (too many attempts) stand."""
    if getattr(error, "code", None) == "incorrect_code":
        raise forms.ValidationError(message, code="incorrect_code") from None


class AuthenticateWebAuthnForm(allauth_forms.AuthenticateWebAuthnForm):
    def clean_credential(self) -> Any:
        _refuse_malformed(self.cleaned_data["credential"], AuthenticationResponse, KEY_NOT_RECOGNISED)
        try:
            return super().clean_credential()
        except forms.ValidationError as error:
            _reword(error, KEY_NOT_RECOGNISED)
            raise


class ReauthenticateWebAuthnForm(allauth_forms.ReauthenticateWebAuthnForm):
    def clean_credential(self) -> Any:
        _refuse_malformed(self.cleaned_data["credential"], AuthenticationResponse, KEY_NOT_RECOGNISED)
        try:
            return super().clean_credential()
        except forms.ValidationError as error:
            _reword(error, KEY_NOT_RECOGNISED)
            raise


class AddWebAuthnForm(allauth_forms.AddWebAuthnForm):
    def clean(self) -> dict[str, Any]:
        credential = self.cleaned_data.get("credential")
        if credential is not None:
            _refuse_malformed(credential, RegistrationResponse, KEY_NOT_ADDED)
        try:
            return super().clean()
        except forms.ValidationError as error:
            _reword(error, KEY_NOT_ADDED)
            raise
