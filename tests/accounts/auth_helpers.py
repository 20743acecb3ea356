"""Helpers for driving allauth in tests: a current TOTP code, recent authentication, links from emails."""

from __future__ import annotations

import re
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User

TOTP_PERIOD_SECONDS = 30
PASSWORD = "correct-horse-battery-staple"  # the password tests/factories.py gives every user


def totp_code_for_secret(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // TOTP_PERIOD_SECONDS))


def totp_code(user: User) -> str:
    """The code the person's authenticator app would show now."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return totp_code_for_secret(decrypt(authenticator.data["secret"]))


def reauthenticate(client: Client) -> None:
    """allauth asks for the password again before security changes; give it, as the person would."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, "reauthentication with the factory password failed"


def reauthenticate_with_code(client: Client, user: User) -> None:
    """Prove the second factor again (allauth's "confirm it's you" with a code), as turning it off requires."""
    response = client.post(reverse("mfa_reauthenticate"), {"code": totp_code(user)})
    assert response.status_code == 302, "reauthentication with the current code failed"


def links_in_last_email(to: str) -> list[str]:
    messages = [message for message in mail.outbox if to in message.to]
    assert messages, f"no email was sent to {to}"
    return re.findall(r"https?://\S+", messages[-1].body)


def path_of(url: str) -> str:
    """The path of an absolute link from an email, for the test client."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def security_key_credential(rp_id: str = "testserver") -> dict[str, object]:
    """What allauth stores for a security key: a registration response ("none" attestation) for a new key pair, as a
    browser would send it. Enough for the pages that list the person's keys; signing in with it needs the private key,
    which is thrown away (the browser tests use Chromium's virtual authenticator for that)."""
    import hashlib
    import os

    from cryptography.hazmat.primitives.asymmetric import ec
    from fido2.cose import ES256
    from fido2.webauthn import (
        AttestationObject,
        AttestedCredentialData,
        AuthenticatorAttestationResponse,
        AuthenticatorData,
        CollectedClientData,
        RegistrationResponse,
    )

    credential_id = os.urandom(16)
    public_key = ES256.from_cryptography_key(ec.generate_private_key(ec.SECP256R1()).public_key())
    credential = AttestedCredentialData.create(b"\0" * 16, credential_id, public_key)
    flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT
    data = AuthenticatorData.create(hashlib.sha256(rp_id.encode()).digest(), flags, 0, credential)
    client_data = CollectedClientData.create(type="webauthn.create", challenge=b"x" * 16, origin=f"http://{rp_id}")
    response = AuthenticatorAttestationResponse(
        client_data=client_data, attestation_object=AttestationObject.create("none", data, {})
    )
    return dict(RegistrationResponse(raw_id=credential_id, response=response))
