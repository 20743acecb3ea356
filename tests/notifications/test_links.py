"""Emailed links follow the address being served: `PORT=8080 make run` sets SITE_URL to http://127.0.0.1:8080,
and every link in every email is built from SITE_URL (ours in notifications/links.py, allauth's re-based onto it)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from notifications import links
from notifications.models import OutboundEmail
from notifications.services import notify, notify_address
from tests.factories import UserFactory
from tests.notifications.outbox import send_pending

BASE_DIR = Path(settings.BASE_DIR)
SERVED = "http://127.0.0.1:8080"
LINK = re.compile(r"https?://[^\s<>\"]+")


def test_run_local_exports_site_url_from_the_port_it_serves() -> None:
    script = (BASE_DIR / "scripts" / "run-local.sh").read_text()
    lines = script.splitlines()
    port_line = next(i for i, line in enumerate(lines) if line.startswith("PORT="))
    site_line = next(i for i, line in enumerate(lines) if line.startswith("export SITE_URL="))
    assert port_line < site_line, "SITE_URL is built from PORT, so PORT must be set first"
    assert 'runserver "127.0.0.1:$PORT"' in script, "the server listens on the address SITE_URL names"

    # The two lines as bash runs them, with the port `PORT=8080 make run` passes, and with none.
    snippet = "\n".join([lines[port_line], lines[site_line], 'printf %s "$SITE_URL"'])
    for port, expected in (("8080", SERVED), ("", "http://127.0.0.1:8000")):
        environment = {"PATH": "/usr/bin:/bin", **({"PORT": port} if port else {})}
        result = subprocess.run(["bash", "-c", snippet], env=environment, capture_output=True, text=True, check=True)
        assert result.stdout == expected
    # A SITE_URL set on purpose (a tunnel, a proxy) is kept.
    result = subprocess.run(
        ["bash", "-c", snippet],
        env={"PATH": "/usr/bin:/bin", "PORT": "8080", "SITE_URL": "https://dev.example.org"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == "https://dev.example.org"


def test_make_run_passes_its_port_to_the_script() -> None:
    makefile = (BASE_DIR / "Makefile").read_text()
    assert re.search(r"^PORT \?= 8000$", makefile, re.MULTILINE)
    assert "PORT=$(PORT) scripts/run-local.sh" in makefile


@pytest.mark.django_db
def test_every_link_of_a_sample_of_emails_is_on_the_served_address(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = SERVED
    rosa = UserFactory(email="rosa@example.org", full_name="Rosa Member")
    notify(
        "introduction_sent",
        to=[rosa],
        params={"mutual": "Riverside", "title": "Help", "reply_by": "1 June 2027", "reasons": ["Fits"]},
        url=reverse("matching:introduction_list"),
    )
    notify("messages_unread", to=[rosa], params={"other_side": "Riverside", "unread_count": 1}, url="/relationships/")
    notify(
        "vetting_decided",
        to=[rosa],
        params={"approved": True, "note": "", "decision": "Approved"},
        url=reverse("accounts:mentor_profile"),
    )
    notify_address(
        "mutual_invitation",
        address="new@example.org",
        params={"inviter": rosa, "mutual": "Riverside", "address": "new@example.org", "expires_on": "1 June 2027"},
        url=reverse("accounts:invitation_accept", kwargs={"token": "a-token"}),
    )

    sent = send_pending()

    assert len(sent) == OutboundEmail.objects.count() == 4
    for message in sent:
        found = LINK.findall(message.body)
        assert found, message.subject
        assert all(link.startswith(SERVED) for link in found), found
        [(html, _)] = message.alternatives  # type: ignore[attr-defined]
        assert all(link.startswith(SERVED) for link in re.findall(r'href="(https?://[^"]+)"', html))
        assert "8000" not in message.body


@pytest.mark.django_db
def test_allauth_links_are_on_the_served_address_whatever_host_was_asked(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = SERVED
    password = "correct-horse-battery-staple"
    # The request comes in on another host name than SITE_URL's (allauth would have used it).
    Client(HTTP_HOST="localhost").post(
        reverse("account_signup"),
        {"full_name": "Erin", "email": "erin@example.org", "password1": password, "password2": password},
    )
    [message] = mail.outbox
    found = LINK.findall(message.body)
    assert any("/account/confirm-email/" in link for link in found)
    assert all(link.startswith(SERVED) for link in found), found


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/relationships/4/", f"{SERVED}/relationships/4/"),
        ("relationships/4/", f"{SERVED}/relationships/4/"),
        ("https://elsewhere.example/x", "https://elsewhere.example/x"),  # already absolute: kept
        ("", ""),
    ],
)
def test_absolute_links_are_built_from_site_url(settings, given: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = SERVED
    assert links.absolute(given) == expected


def test_allauths_links_are_moved_onto_site_url(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = SERVED
    assert links.on_site("http://localhost:8000/account/confirm-email/Mg:1x:abc/") == (
        f"{SERVED}/account/confirm-email/Mg:1x:abc/"
    )
    assert links.on_site("https://testserver/account/password/reset/?next=/x/#top") == (
        f"{SERVED}/account/password/reset/?next=/x/#top"
    )
