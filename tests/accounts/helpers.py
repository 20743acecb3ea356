"""Assertions and form data shared by the accounts tests."""

from __future__ import annotations

from django.http import HttpResponse

from accounts.models import MentorProfile, Mutual
from tests.factories import region, service_area, stage, topic

ERROR_SUMMARY = 'class="govuk-error-summary"'
HOSTILE_TEXT = '<script>alert("x")</script> Ünïcödé “quotes” 日本語 ' + "x" * 50


def assert_form_error(response: HttpResponse, *messages: str) -> None:
    """The form came back (200) with the GOV.UK error summary, the 'Error:' title prefix and each message."""
    assert response.status_code == 200
    content = response.content.decode()
    assert ERROR_SUMMARY in content
    assert "<title>Error: " in content
    for message in messages:
        assert message in content, f"{message!r} not on the page"


def assert_escaped(response: HttpResponse) -> None:
    """HOSTILE_TEXT is shown as text: its markup escaped, never as a live script element."""
    content = response.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert '<script>alert("x")</script>' not in content


def mutual_form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Northgate Youth Mutual",
        "service_areas": [service_area("youth-services").pk, service_area("social-work").pk],
        "region": region("north-east").pk,
        "stage": stage("exploring").pk,
        "legal_form": Mutual.LegalForm.CIC_GUARANTEE,
        "staff_count": "45",
        "parent_body": "Northgate City Council",
        "description": "Youth workers planning to spin out.",
        "website": "northgate-youth.example.org",
    }
    data.update(overrides)
    return data


def profile_form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "headline": "Finance director who led a community health spin-out",
        "bio": "Twenty years in NHS finance; took a 400-person service out of the trust.",
        "organisation": "Brightwater Health CIC",
        "topics": [topic("finance-and-investment").pk, topic("pensions").pk],
        "service_areas": [service_area("community-health").pk],
        "stages": [stage("recently-spun-out").pk],
        "region": region("south-west").pk,
        "format": MentorProfile.Format.REMOTE,
        "capacity": "3",
        "conflicts": "",
        "conflicts_note": "",
    }
    data.update(overrides)
    return data
