"""Which pages the browser sweep opens, as whom.

Two sources, so that a new page cannot be forgotten:

1. The permission matrix (tests/matrix/<app>.py). Every route whose GET answers 200 to some persona is a page: it is
   opened as each persona who gets a 200 (public pages: anonymous and a signed-in member, whose headers differ),
   with the matrix's own kwargs and objects (its `build(world)` functions). A helper who adds a URL to the matrix
   gets it checked by axe-core without touching this file.
2. EXTRA_PAGES below: django-allauth's pages (the matrix leaves third-party URLs out), error pages, and variants
   the matrix cannot express (a directory with filters applied).

ALLAUTH_NOT_VISITED lists allauth URL names deliberately not opened here, with the reason; a test fails when allauth
(or our settings) adds a URL name that is in neither list.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from tests import matrix
from tests.matrix import PERSONAS, SIGNED_IN, Route

World = SimpleNamespace


@dataclass(frozen=True)
class BrowserPage:
    label: str  # what the report calls it: the URL name, or a description for variants
    persona: str
    url_name: str | None = None
    kwargs: Callable[[World], dict[str, Any]] = field(default=lambda world: {})
    query: Callable[[World], str] | str = ""
    path: str | None = None  # a literal path instead of a URL name (the 404 page)
    status: int = 200  # the status of the final response, after redirects
    # Text the page must show, so that axe-core checks the page with its content (results, suggestions), not an
    # empty state.
    must_show: Callable[[World], str] | str | None = None

    def text_to_find(self, world: World) -> str | None:
        return self.must_show(world) if callable(self.must_show) else self.must_show

    def url(self, world: World) -> str:
        if self.path is not None:
            return self.path
        assert self.url_name is not None
        query = self.query(world) if callable(self.query) else self.query
        return reverse(self.url_name, kwargs=self.kwargs(world)) + query


def _password_reset_kwargs(world: World) -> dict[str, str]:
    user = world.outsider
    return {"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)}


def _security_key(world: World) -> dict[str, int]:
    """The outsider's security key (made on first use, for the live server's host)."""
    from allauth.mfa.models import Authenticator

    from tests.accounts.auth_helpers import security_key_credential

    key, _ = Authenticator.objects.get_or_create(
        user=world.outsider,
        type=Authenticator.Type.WEBAUTHN,
        defaults={"data": {"name": "Blue key", "credential": security_key_credential("localhost")}},
    )
    return {"pk": key.pk}


EXTRA_PAGES: list[BrowserPage] = [
    # The home page routes each audience and the dashboard is built per role: both are opened as every persona.
    *[BrowserPage("pages:home", persona, "pages:home") for persona in ("mentor", "ambassador", "staff", "outsider")],
    *[
        BrowserPage("accounts:dashboard", persona, "accounts:dashboard")
        for persona in ("mentor", "ambassador", "outsider")
    ],
    # Directories with filters applied (the matrix opens them unfiltered); Bob and Alice's mutual match these.
    BrowserPage(
        "mentor directory, filtered",
        "member",
        "accounts:mentor_directory",
        query="?service_area=adult-social-care&region=north-west&topic=business-planning&available=on",
        must_show=lambda world: world.mentor.full_name,
    ),
    BrowserPage(
        "mentor directory, filtered",
        "staff",
        "accounts:mentor_directory",
        query="?q=care&region=north-west&region=north-east&stage=developing",
    ),
    BrowserPage("mentor directory, search too long", "member", "accounts:mentor_directory", query="?q=" + "x" * 300),
    BrowserPage(
        "mutual directory, filtered",
        "anonymous",
        "accounts:mutual_directory",
        query="?region=north-west&service_area=adult-social-care&stage=developing",
    ),
    BrowserPage(
        "mutual directory, filtered",
        "staff",
        "accounts:mutual_directory",
        query="?region=north-west&service_area=adult-social-care&stage=developing",
        must_show=lambda world: world.mutual.name,
    ),
    # An invitation to claim a mutual (the matrix opens an invitation to join): addressed to nobody here, so the page
    # says so; test_claims.py reads the page its invitee sees.
    BrowserPage(
        "invitation to claim a mutual",
        "outsider",
        "accounts:invitation_accept",
        kwargs=lambda world: {"token": world.claim_invitation.token},
        must_show="Claim Northshire Youth Services",
    ),
    # A reported message from a mentoring group's conversation (the matrix opens a relationship's report).
    BrowserPage(
        "reported group message",
        "staff",
        "messaging:moderation_report_detail",
        kwargs=lambda world: {"pk": world.group_report.pk},
        must_show=lambda world: world.group.title,
    ),
    # Closing feedback on a closed group: Alice has answered (her own answers), Bob has not (the form).
    BrowserPage(
        "group closing feedback, answered",
        "member",
        "messaging:group_feedback",
        kwargs=lambda world: {"pk": world.closed_group.pk, "place_pk": world.closed_place.pk},
        must_show="4 out of 5",
    ),
    BrowserPage(
        "group closing feedback, the form",
        "mentor",
        "messaging:group_feedback",
        kwargs=lambda world: {"pk": world.closed_group.pk, "place_pk": world.closed_place.pk},
        must_show="Send feedback",
    ),
    BrowserPage("404 page", "anonymous", path="/no-such-page/", status=404),
    BrowserPage("404 page", "member", path="/no-such-page/", status=404),
    # allauth, restyled in GOV.UK Frontend
    BrowserPage("account_login", "anonymous", "account_login"),
    BrowserPage("account_signup", "anonymous", "account_signup"),
    BrowserPage("account_reset_password", "anonymous", "account_reset_password"),
    BrowserPage("account_reset_password_done", "anonymous", "account_reset_password_done"),
    # A valid key is swapped for a session marker and redirected to the set-a-new-password form.
    BrowserPage(
        "account_reset_password_from_key", "anonymous", "account_reset_password_from_key", _password_reset_kwargs
    ),
    BrowserPage("account_reset_password_from_key_done", "anonymous", "account_reset_password_from_key_done"),
    BrowserPage("account_email_verification_sent", "anonymous", "account_email_verification_sent"),
    BrowserPage("account_inactive", "anonymous", "account_inactive"),
    BrowserPage("account_email", "member", "account_email"),
    BrowserPage("account_email", "staff", "account_email"),
    BrowserPage("account_change_password", "member", "account_change_password"),
    BrowserPage("account_reauthenticate", "member", "account_reauthenticate"),
    BrowserPage("account_logout", "member", "account_logout"),
    BrowserPage("mfa_index", "member", "mfa_index"),
    BrowserPage("mfa_index", "staff", "mfa_index"),
    BrowserPage("mfa_activate_totp", "member", "mfa_activate_totp"),
    BrowserPage("mfa_reauthenticate", "staff", "mfa_reauthenticate"),
    BrowserPage("mfa_deactivate_totp", "staff", "mfa_deactivate_totp"),
    BrowserPage("mfa_generate_recovery_codes", "staff", "mfa_generate_recovery_codes"),
    BrowserPage("mfa_view_recovery_codes", "staff", "mfa_view_recovery_codes"),
    BrowserPage("mfa_add_webauthn", "member", "mfa_add_webauthn"),
    BrowserPage(
        "mfa_list_webauthn",
        "outsider",
        "mfa_list_webauthn",
        query=lambda w: _security_key(w) and "",
        must_show="Blue key",
    ),
    BrowserPage("mfa_edit_webauthn", "outsider", "mfa_edit_webauthn", _security_key),
    BrowserPage("mfa_reauthenticate_webauthn", "outsider", "mfa_reauthenticate_webauthn"),
    # Removing a key asks for the key again first (accounts.views.webauthn_remove): the page that opens is that one.
    BrowserPage("mfa_remove_webauthn (confirm with the key first)", "outsider", "mfa_remove_webauthn", _security_key),
]

# Matrix pages that must show something, so their full state is what axe-core checks.
MUST_SHOW: dict[tuple[str, str], Callable[[World], str]] = {
    ("matching:request_detail", "member"): lambda world: world.mentor.full_name,  # a suggested mentor
    ("matching:request_choose", "member"): lambda world: world.mentor.full_name,
    ("accounts:vetting_queue", "staff"): lambda world: world.pending_mentor.user.full_name,
    ("matching:batch_detail", "staff"): lambda world: world.mentor.full_name,
}

ALLAUTH_NOT_VISITED: dict[str, str] = {
    "account_confirm_email": "needs a fresh emailed key: opened with axe by test_journey.py",
    "mfa_authenticate": "only reachable mid sign-in: opened with axe by test_journey.py (staff signs in with a code)",
    "account_set_password": "only for accounts without a password (none here: sign-up always sets one)",
    "account_confirm_login_code": "sign-in by emailed code is switched off (ACCOUNT_LOGIN_BY_CODE_ENABLED)",
    "mfa_download_recovery_codes": "a plain-text download, not a page",
}

# Routes in the matrix whose 200 is not an HTML page: JSON, CSV and file downloads.
NOT_HTML = {
    "pages:healthz",
    "pages:healthz_live",
    "pages:healthz_ready",
    "accounts:session_status",
    "accounts:personal_data_download",
    "ambassadors:reports_csv",
    "programme:report_csv",
    "programme:audit_log_csv",
    "forward_look:counts_csv",
    "forward_look:mutuals_csv",
    "forward_look:data_json",
    "matching:run_status",
    "messaging:meeting_calendar_file",
    "messaging:calendar_feed",
    "messaging:document_download",
    "notifications:email_file",
}


def matrix_modules() -> list[Any]:
    names = sorted(m.name for m in pkgutil.iter_modules(matrix.__path__))
    names.sort(key=lambda n: (n != "accounts", n))  # accounts' builder creates what the others refer to
    return [importlib.import_module(f"tests.matrix.{name}") for name in names]


def matrix_routes() -> list[Route]:
    return [route for module in matrix_modules() for route in getattr(module, "ROUTES", [])]


def build_world(personas: SimpleNamespace) -> World:
    """The same objects the permission matrix builds, so the matrix's kwargs resolve."""
    world = SimpleNamespace(**vars(personas))
    for module in matrix_modules():
        build = getattr(module, "build", None)
        if build:
            build(world)
    # The staff fixture has TOTP only; recovery codes give the recovery-code pages something to show.
    RecoveryCodes.activate(world.staff)
    return world


def matrix_pages() -> list[BrowserPage]:
    pages = []
    for route in matrix_routes():
        if route.get is None or route.name in NOT_HTML:
            continue
        allowed = [persona for persona in PERSONAS if route.get[persona] == 200]
        # Pages open to everyone, or to everyone signed in, are opened as two of them rather than all six: the
        # header differs between anonymous, signed-in and staff, and each extra view costs a second of axe-core.
        # Pages whose content is built per persona (home, dashboard) are opened as each one in EXTRA_PAGES.
        if set(allowed) == set(PERSONAS):
            allowed = ["anonymous", "member"]
        elif set(SIGNED_IN) <= set(allowed):
            allowed = ["member", "staff"]
        query = route.query
        for persona in allowed:
            must_show = MUST_SHOW.get((route.name, persona))
            pages.append(BrowserPage(route.name, persona, route.name, route.kwargs, query, must_show=must_show))
    return pages


def all_pages() -> list[BrowserPage]:
    return matrix_pages() + EXTRA_PAGES


def pages_for(persona: str) -> list[BrowserPage]:
    return [page for page in all_pages() if page.persona == persona]
