"""The public contact form: no account needed, an acknowledgement with a reference and a target, a notice to the
programme team, a honeypot, a rate limit per address that keeps the words typed, and bad input answered with the
GOV.UK error summary."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from information import services
from information.models import Enquiry
from notifications.models import Notice
from tests.factories import region, service_area, topic
from tests.notifications.outbox import notice_texts, send_pending

pytestmark = pytest.mark.django_db


def form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Jordan Enquirer",
        "email": "jordan@example.net",
        "role": "employee",
        "organisation": "Northshire County Council",
        "service_area": service_area().pk,
        "region": region().pk,
        "topic": topic("tupe-and-employment").pk,
        "question": "How does TUPE work if we spin out?",
        "reply_by": "email",
        "phone": "",
        "website": "",
    }
    data.update(overrides)
    return data


def test_anyone_can_send_a_question_and_gets_a_reference_and_a_target(client: Client, staff: User, settings) -> None:  # type: ignore[no-untyped-def]
    response = client.post(reverse("information:enquiry_create"), form_data())

    enquiry = Enquiry.objects.get()
    assert response.status_code == 302
    assert (enquiry.status, enquiry.email, enquiry.topic.slug) == ("new", "jordan@example.net", "tupe-and-employment")
    assert enquiry.reference.startswith("MIS-") and len(enquiry.reference) == 10
    assert enquiry.respond_by is not None and enquiry.respond_by > enquiry.created_at

    # The confirmation page shows the reference and the date we promised.
    page = client.get(response["Location"]).content.decode()
    assert enquiry.reference in page
    assert "jordan@example.net" in page

    # The acknowledgement email says the same, with an absolute link to the guide.
    [email] = send_pending()
    assert email.to == ["jordan@example.net"]
    assert email.subject == f"We have your question: {enquiry.reference}"
    assert enquiry.reference in email.body
    assert "within 2 working days" in email.body
    guide_link = next(line for line in email.body.splitlines() if "how-to-set-up-a-mutual" in line)
    assert guide_link == f"{settings.SITE_URL}/how-to-set-up-a-mutual/"

    # The programme team is told in the service, not by email.
    assert notice_texts(staff) == [f"New enquiry in the enquiry queue: {enquiry.reference} from Jordan Enquirer."]


def test_the_confirmation_page_only_shows_a_reference_from_a_link_we_signed(client: Client) -> None:
    client.post(reverse("information:enquiry_create"), form_data())
    enquiry = Enquiry.objects.get()
    forged = client.get(reverse("information:enquiry_sent") + f"?r={enquiry.pk}").content.decode()
    assert enquiry.reference not in forged
    assert "Your question has been sent" in forged


def test_the_honeypot_keeps_nothing_but_looks_the_same_to_a_robot(client: Client) -> None:
    response = client.post(reverse("information:enquiry_create"), form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert not Enquiry.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"name": "", "email": "", "question": ""}, "Enter your name"),
        ({"email": "not-an-address"}, "Enter an email address in the correct format"),
        ({"question": "x" * 5001}, "Your question must be 5000 characters or fewer"),
        ({"reply_by": "phone", "phone": ""}, "Enter a phone number, or choose a reply by email"),
        ({"phone": "<script>alert(1)</script>"}, "Enter a phone number"),
        ({"service_area": "99999"}, "Choose one of the options in the list"),
        ({"role": "king"}, "Select an answer to “Who are you?” from the list"),
    ],
)
def test_bad_input_is_refused_with_the_error_summary(client: Client, changes: dict[str, str], error: str) -> None:
    response = client.post(reverse("information:enquiry_create"), form_data(**changes))
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert error in html
    assert not Enquiry.objects.exists()


def test_unicode_and_markup_are_kept_as_typed(client: Client) -> None:
    question = 'Çava? 你好 — <b>bold</b> & "quotes" 🙂'
    client.post(reverse("information:enquiry_create"), form_data(question=question, name="Zoë O'Brien"))
    enquiry = Enquiry.objects.get()
    assert (enquiry.question, enquiry.name) == (question, "Zoë O'Brien")


def test_too_many_from_one_address_are_refused_with_a_clear_error_and_the_words_kept(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ENQUIRY_RATE_LIMIT_PER_HOUR = 2
    for number in range(2):
        assert client.post(reverse("information:enquiry_create"), form_data(question=f"Q{number}")).status_code == 302
    response = client.post(reverse("information:enquiry_create"), form_data(question="My third, carefully typed"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "several messages from this email address in the last hour" in html
    assert "My third, carefully typed</textarea>" in html
    assert Enquiry.objects.count() == 2
    # Another address is not held back.
    assert client.post(reverse("information:enquiry_create"), form_data(email="other@example.net")).status_code == 302


def test_the_rate_limit_counts_in_the_shared_cache(settings) -> None:  # type: ignore[no-untyped-def]
    """The count lives in the configured cache (Redis when REDIS_URL is set, as in CI), so every web process sees
    it: a fresh connection to the cache reads the same count."""
    from django.core.cache import caches

    from information import throttle

    settings.ENQUIRY_RATE_LIMIT_PER_HOUR = 1
    now = 1_800_000_000.0
    assert throttle.allow_enquiry("Someone@Example.net", now=now)
    assert not throttle.allow_enquiry("someone@example.net", now=now)
    window = int(now // throttle.WINDOW_SECONDS)
    assert caches.create_connection("default").get(throttle._key("someone@example.net", window)) == 2
    # The next hour starts again.
    assert throttle.allow_enquiry("someone@example.net", now=now + throttle.WINDOW_SECONDS)


def test_feedback_from_the_phase_banner_goes_into_the_queue(client: Client, staff: User) -> None:
    page = client.get(reverse("information:guide")).content.decode()
    feedback_link = reverse("information:feedback") + "?from=/how-to-set-up-a-mutual/"
    assert feedback_link in page.replace("%2F", "/")

    response = client.post(
        reverse("information:feedback"),
        {"feedback": "A printable guide, please", "email": "", "page_url": "/how-to-set-up-a-mutual/", "website": ""},
    )
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert (enquiry.kind, enquiry.question, enquiry.page_url) == (
        "feedback",
        "A printable guide, please",
        "/how-to-set-up-a-mutual/",
    )
    # No address: no acknowledgement and no target to miss.
    assert enquiry.respond_by is None
    assert send_pending() == []
    assert Notice.objects.filter(user=staff, event="enquiry_received_staff").count() == 1


def test_feedback_keeps_only_a_path_inside_the_service(client: Client) -> None:
    client.post(reverse("information:feedback"), {"feedback": "Hi", "page_url": "https://evil.example/x"})
    assert Enquiry.objects.get().page_url == ""


def test_the_reference_is_read_out_easily() -> None:
    reference = services.new_reference()
    assert set(reference.removeprefix("MIS-")) <= set(services.enquiries.REFERENCE_ALPHABET)
    assert not set("01OIL") & set(reference.removeprefix("MIS-"))


def test_the_target_is_two_working_days_after_arrival(settings) -> None:  # type: ignore[no-untyped-def]
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=ZoneInfo("Europe/London"))
    enquiry = services.enquiry_submit(data=form_data(service_area=None, region=None, topic=None), now=friday)
    assert enquiry.respond_by == datetime(2026, 3, 10, 15, 0, tzinfo=ZoneInfo("Europe/London"))


def test_the_contact_page_leads_to_the_form(client: Client) -> None:
    html = client.get(reverse("pages:contact")).content.decode()
    assert reverse("information:enquiry_create") in html
    assert reverse("information:feedback") in html
