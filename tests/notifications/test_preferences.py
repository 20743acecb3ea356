"""People choose which emails they get, per category; essential emails always go. Optional emails carry a signed
one-click unsubscribe link (and the List-Unsubscribe headers) that works without signing in, changes nothing on
GET, turns off that one category on POST, and cannot be tampered with or pointed at another category."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications import rendering, services
from notifications.models import Category, EmailPreferences, Notice, OutboundEmail
from notifications.services import notify
from tests.factories import UserFactory
from tests.notifications.outbox import send_pending

pytestmark = pytest.mark.django_db

# One event of each category, with what its wording needs, as the services send them.
SAMPLES: dict[str, tuple[str, dict[str, Any]]] = {
    Category.MESSAGES: ("messages_unread", {"other_side": "Riverside Care Mutual", "unread_count": 2}),
    Category.MENTORING: ("relationship_resumed", {"actor": "Bob Mentor", "mentor": None, "mutual": "Riverside"}),
    Category.PROGRAMME: ("engagement_invitation", {"title": "Talk to our staff forum", "kind": "talk"}),
    Category.ESSENTIAL: ("account_reinstated", {"note": "The report was a mistake."}),
}


def _tell(user: User, category: str) -> None:
    event, params = SAMPLES[category]
    notify(event, to=[user], params=params, url="/dashboard/")


def _choices(user: User) -> dict[str, bool]:
    preferences = services.preferences_for(user)
    return {category: preferences.wants(category) for category in Category.optional()}


def _unsubscribe_url(user: User, category: str) -> str:
    return reverse("accounts:unsubscribe", kwargs={"token": rendering.unsubscribe_token(user.pk, category)})


def _snapshot() -> list[dict[str, Any]]:
    return list(EmailPreferences.objects.order_by("pk").values())


@pytest.mark.parametrize("turned_off", Category.optional())
def test_turning_one_category_off_stops_only_its_emails(turned_off: str) -> None:
    rosa = UserFactory(email="rosa@example.org")
    services.preferences_update(user=rosa, wanted=[c for c in Category.optional() if c != turned_off])

    for category in SAMPLES:
        _tell(rosa, category)

    emailed = set(OutboundEmail.objects.filter(recipient=rosa).values_list("event", flat=True))
    assert emailed == {event for category, (event, _) in SAMPLES.items() if category != turned_off}
    # Notices are not affected by email choices.
    notices = set(Notice.objects.filter(user=rosa).values_list("event", flat=True))
    assert notices == {event for event, _ in SAMPLES.values()}


def test_essential_emails_go_whatever_the_person_chose() -> None:
    rosa = UserFactory(email="rosa@example.org")
    services.preferences_update(user=rosa, wanted=[])

    for category in SAMPLES:
        _tell(rosa, category)
    sent = send_pending()

    assert [message.subject for message in sent] == ["Your account can be used again"]


def test_the_choice_is_read_again_when_the_email_is_sent() -> None:
    rosa = UserFactory(email="rosa@example.org")
    _tell(rosa, Category.MENTORING)  # written while she wanted it
    services.preferences_update(user=rosa, wanted=[Category.MESSAGES, Category.PROGRAMME])

    assert send_pending() == []
    assert OutboundEmail.objects.get(recipient=rosa).status == OutboundEmail.Status.SKIPPED


def test_the_email_choices_page_saves_each_category(client: Client) -> None:
    rosa = UserFactory(email="rosa@example.org")
    client.force_login(rosa)
    page = client.get(reverse("accounts:email_preferences")).content.decode()
    assert page.count("checked") == 3  # all on until changed

    response = client.post(reverse("accounts:email_preferences"), {"wanted": [Category.PROGRAMME]})

    assert response.status_code == 302
    assert _choices(rosa) == {Category.MESSAGES: False, Category.MENTORING: False, Category.PROGRAMME: True}
    assert "Your email choices have been saved." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("category", Category.optional())
def test_optional_emails_carry_the_one_click_link_and_headers(category: str, settings) -> None:  # type: ignore[no-untyped-def]
    rosa = UserFactory(email="rosa@example.org")
    _tell(rosa, category)

    [message] = send_pending()

    # The token carries the time it was signed, so read it back rather than sign one here a second later.
    header = message.extra_headers["List-Unsubscribe"]
    prefix = f"<{settings.SITE_URL}/account/emails/unsubscribe/"
    assert header.startswith(prefix) and header.endswith("/>")
    token = header.removeprefix(prefix).removesuffix("/>")
    assert rendering.read_unsubscribe_token(token) == (rosa.pk, category)
    link = header[1:-1]
    assert link == f"{settings.SITE_URL}{reverse('accounts:unsubscribe', kwargs={'token': token})}"
    assert link in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"{settings.SITE_URL}{reverse('accounts:email_preferences')}" in message.body


def test_essential_emails_carry_no_unsubscribe_link() -> None:
    rosa = UserFactory(email="rosa@example.org")
    _tell(rosa, Category.ESSENTIAL)

    [message] = send_pending()

    assert "unsubscribe" not in message.body.lower()
    assert "List-Unsubscribe" not in message.extra_headers


def test_emails_to_an_address_without_an_account_carry_no_unsubscribe_link() -> None:
    services.notify_address(
        "nomination_sent",
        address="nina@example.org",
        params={"nominee_name": "Nina", "nominated_by": None, "cohort": "2027", "reason": "Brilliant."},
        url="/ambassadors/",
    )
    [message] = send_pending()
    assert "List-Unsubscribe" not in message.extra_headers


@pytest.mark.parametrize("category", Category.optional())
def test_opening_the_link_without_signing_in_shows_a_page_and_changes_nothing(category: str) -> None:
    rosa = UserFactory(email="rosa@example.org")
    before = _snapshot()

    response = Client().get(_unsubscribe_url(rosa, category))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Stop these emails" in page
    assert Category(category).label.lower() in page
    assert _snapshot() == before
    assert all(_choices(rosa).values())


@pytest.mark.parametrize("category", Category.optional())
def test_the_button_turns_off_that_category_only(category: str) -> None:
    rosa = UserFactory(email="rosa@example.org")

    # A mail client's one-click POST carries no CSRF token: the signed link is the authority.
    response = Client(enforce_csrf_checks=True).post(_unsubscribe_url(rosa, category))

    assert response.status_code == 200
    assert "You have unsubscribed" in response.content.decode()
    assert _choices(rosa) == {c: c != category for c in Category.optional()}
    # And the emails stop.
    _tell(rosa, category)
    assert not OutboundEmail.objects.filter(recipient=rosa).exists()


def test_unsubscribing_twice_is_harmless() -> None:
    rosa = UserFactory(email="rosa@example.org")
    url = _unsubscribe_url(rosa, Category.MESSAGES)
    assert Client().post(url).status_code == 200
    assert Client().post(url).status_code == 200
    assert _choices(rosa)[Category.MESSAGES] is False


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_a_404_page_that_changes_nothing(method: str) -> None:
    rosa = UserFactory(email="rosa@example.org")
    token = rendering.unsubscribe_token(rosa.pk, Category.MESSAGES)
    tampered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    before = _snapshot()

    response = getattr(Client(), method)(reverse("accounts:unsubscribe", kwargs={"token": tampered}))

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert _snapshot() == before


def test_a_link_cannot_be_made_for_someone_else_without_our_key() -> None:
    omar = UserFactory(email="omar@example.org")
    payload = {"u": omar.pk, "c": Category.MESSAGES}
    guesses = [
        signing.dumps(payload, key="a-key-that-is-not-ours-" * 3, salt=rendering.UNSUBSCRIBE_SALT, compress=True),
        signing.dumps(payload, salt="another.salt", compress=True),  # our key, signed for another purpose
    ]

    for guess in guesses:
        assert Client().post(reverse("accounts:unsubscribe", kwargs={"token": guess})).status_code == 404
    assert all(_choices(omar).values())


@pytest.mark.parametrize("category", [Category.ESSENTIAL, "newsletters"])
def test_a_signed_link_for_a_category_one_cannot_turn_off_is_refused(category: str) -> None:
    rosa = UserFactory(email="rosa@example.org")
    # Signed with our key and salt: only the category is wrong.
    token = signing.dumps({"u": rosa.pk, "c": category}, salt=rendering.UNSUBSCRIBE_SALT, compress=True)
    before = _snapshot()

    for method in ("get", "post"):
        response = getattr(Client(), method)(reverse("accounts:unsubscribe", kwargs={"token": token}))
        assert response.status_code == 404
    assert _snapshot() == before
    with pytest.raises(services.UnsubscribeError):
        services.unsubscribe(token=token)


def test_a_link_for_an_account_that_was_deleted_is_refused() -> None:
    rosa = UserFactory(email="rosa@example.org")
    url = _unsubscribe_url(rosa, Category.MESSAGES)
    rosa.delete()

    response = Client().post(url)

    assert response.status_code == 404
    assert "no longer exists" in response.content.decode()
    assert not EmailPreferences.objects.exists()


def test_the_unsubscribe_page_is_the_same_for_a_signed_in_person() -> None:
    rosa = UserFactory(email="rosa@example.org")
    client = Client()
    client.force_login(UserFactory())  # someone else signed in: the link is still Rosa's
    assert client.post(_unsubscribe_url(rosa, Category.PROGRAMME)).status_code == 200
    assert _choices(rosa)[Category.PROGRAMME] is False
    assert len(mail.outbox) == 0
