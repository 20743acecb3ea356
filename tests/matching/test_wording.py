"""Issue 17, finding 6: reasons are worded for whoever reads them. The mutual reads "Covers 2 of your 3 topics";
the mentor reads the same pair as "You can help with 2 of their 3 topics"; an ambassador's room is engagements."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from ambassadors.ranking import engagement_wording
from matching.engine import explanations
from matching.models import Introduction
from matching.wording import reasons_for_mentor
from tests.clients import ClientFor
from tests.notifications.outbox import send_pending

# Each sentence as the engine writes it for the mutual, and as the mentor reads it.
SIDES = [
    (explanations._topics_reason(["Pensions"], 1), "You can help with their topic: Pensions"),
    (explanations._topics_reason(["Pensions", "TUPE"], 2), "You can help with both of their topics: Pensions, TUPE"),
    (explanations._topics_reason(["A", "B", "C"], 3), "You can help with all 3 of their topics: A, B, C"),
    (explanations._topics_reason(["A"], 3), "You can help with 1 of their 3 topics: A"),
    (explanations._areas_reason(["Adult social care"]), "You know their service: Adult social care"),
    (explanations._region_reason(10, "North West"), "They are also in the North West"),
    (explanations._region_reason(6, "North West"), "They are in a region next to yours (the North West)"),
    (explanations._region_reason(3, "London"), "You can both meet remotely"),
    (explanations._stage_reason("Planning"), "You know their stage: Planning"),
    (explanations._capacity_reason(1), "You have room for 1 more mutual"),
    (explanations._capacity_reason(3), "You have room for 3 more mutuals"),
]


@pytest.mark.parametrize(("mutuals_side", "mentors_side"), SIDES)
def test_the_mentor_reads_each_reason_from_their_side(mutuals_side: str, mentors_side: str) -> None:
    assert reasons_for_mentor([mutuals_side]) == [mentors_side]


def test_no_reason_the_mentor_reads_speaks_of_your_topics_or_stage() -> None:
    for sentence in reasons_for_mentor(mutuals_side for mutuals_side, _ in SIDES):
        assert "your topic" not in sentence and "your stage" not in sentence, sentence


def test_an_ambassadors_room_is_counted_in_engagements() -> None:
    assert engagement_wording([explanations._capacity_reason(3), "Also in London"]) == [
        "Has time for 3 more engagements this quarter",
        "Also in London",
    ]
    assert engagement_wording([explanations._capacity_reason(1)]) == ["Has time for 1 more engagement this quarter"]


@pytest.mark.django_db
def test_the_mentors_page_and_email_use_the_mentors_side(
    introduction: Introduction, mentor: User, client_for: ClientFor
) -> None:
    assert any("your" in reason for reason in introduction.reasons)  # stored as the mutual reads them
    page = client_for(mentor).get(reverse("matching:introduction_detail", kwargs={"pk": introduction.pk}))
    body = page.content.decode()
    for reason in reasons_for_mentor(introduction.reasons):
        assert reason in body
    assert "of your" not in body and "your stage" not in body
    send_pending()
    email = next(message for message in mail.outbox if message.to == [mentor.email])
    assert "You can help with" in email.body and "of your" not in email.body
