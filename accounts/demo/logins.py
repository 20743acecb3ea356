"""The demo logins and the stable keys of demo rows: the email addresses other apps' demo seeds look people up by."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_DOMAIN = "demo.mutuals.example"
# Known to anyone who reads the README: only for local demo databases, never for a real deployment.
DEMO_PASSWORD = "mutuals-demo-password"  # noqa: S105


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


STAFF_EMAIL = f"staff@{DEMO_DOMAIN}"
MUTUAL_EMAIL = f"mutual@{DEMO_DOMAIN}"
MENTOR_EMAIL = f"mentor@{DEMO_DOMAIN}"
AMBASSADOR_EMAIL = f"ambassador@{DEMO_DOMAIN}"
# Other apps' demo seeds look these people up by email (the ambassadors seed makes AMBASSADOR_EMAIL an ambassador).
DEMO_LOGINS = [
    DemoLogin(STAFF_EMAIL, "programme team (sets up MFA at first sign-in), Django admin"),
    DemoLogin(MUTUAL_EMAIL, "member of Pennine Care Partnership"),
    DemoLogin(MENTOR_EMAIL, "approved mentor"),
    DemoLogin(AMBASSADOR_EMAIL, "ambassador (appointed by the ambassadors app's demo data)"),
]
DEMO_MUTUAL_NAME = "Pennine Care Partnership"


def member_email(index: int, second: bool = False) -> str:
    return f"member.{index:05d}{'b' if second else ''}@{DEMO_DOMAIN}"


def mentor_email(index: int) -> str:
    return f"mentor.{index:05d}@{DEMO_DOMAIN}"


def first_member_email(index: int) -> str:
    """The stable key of demo mutual `index`: the email of the member who created it."""
    return MUTUAL_EMAIL if index == 0 else member_email(index)
