"""Choosing mentors for an open request: up to three in order of preference, and the choices the form refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, User
from matching.models import Introduction, MentoringRequest
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db


def test_choosing_mentors_in_order(
    open_request: MentoringRequest, member: User, three_mentors, client_for: ClientFor
) -> None:
    client = client_for(member)
    url = reverse("matching:request_choose", kwargs={"pk": open_request.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "First choice" in page.content.decode()
    response = client.post(
        url,
        {"first_choice": three_mentors[2].pk, "second_choice": three_mentors[0].pk, "third_choice": ""},
    )
    assert response.status_code == 302
    assert list(open_request.introductions.order_by("preference").values_list("mentor_id", "status")) == [
        (three_mentors[2].pk, "pending"),
        (three_mentors[0].pk, "queued"),
    ]

    page = client.get(response["Location"]).content.decode()
    assert f"We have sent your request to {three_mentors[2].user.display_name} and will tell you" in page


def test_when_the_first_choice_has_no_room_left_the_confirmation_names_the_mentor_asked(
    open_request: MentoringRequest, member: User, three_mentors, client_for: ClientFor
) -> None:
    MentorProfile.objects.filter(pk=three_mentors[2].pk).update(paused_until=timezone.localdate() + timedelta(days=9))
    client = client_for(member)
    response = client.post(
        reverse("matching:request_choose", kwargs={"pk": open_request.pk}),
        {"first_choice": three_mentors[2].pk, "second_choice": three_mentors[0].pk, "third_choice": ""},
    )
    page = client.get(response["Location"]).content.decode()
    assert f"We have sent your request to {three_mentors[0].user.display_name} and will tell you" in page


def test_when_no_chosen_mentor_has_room_left_the_page_says_the_programme_team_will_look(
    open_request: MentoringRequest, member: User, three_mentors, client_for: ClientFor
) -> None:
    # Both paused since the suggestions were made.
    MentorProfile.objects.filter(pk__in=[three_mentors[0].pk, three_mentors[1].pk]).update(
        paused_until=timezone.localdate() + timedelta(days=9)
    )
    client = client_for(member)
    response = client.post(
        reverse("matching:request_choose", kwargs={"pk": open_request.pk}),
        {"first_choice": three_mentors[0].pk, "second_choice": three_mentors[1].pk, "third_choice": ""},
    )
    page = client.get(response["Location"]).content.decode()
    assert "None of the mentors you chose can take on a mentee at the moment" in page
    assert "We have sent your request" not in page
    open_request.refresh_from_db()
    assert open_request.status == MentoringRequest.Status.NEEDS_ATTENTION


@pytest.mark.parametrize(
    "choices, field, message",
    [
        ((None, None, None), "first_choice", "Select your first choice of mentor"),
        ((0, 0, None), "second_choice", "Choose a different mentor from your first choice"),
        ((0, 1, 1), "third_choice", "Choose a different mentor from your other choices"),
        ((0, None, 1), "second_choice", "Select a second choice before a third"),
        ("stranger", "first_choice", "Select first choice from the list"),
    ],
)
def test_bad_choices_show_errors_and_introduce_nobody(
    open_request: MentoringRequest, member: User, three_mentors, choices, field, message, client_for: ClientFor
) -> None:
    if choices == "stranger":
        data = {"first_choice": MentorProfileFactory(status=MentorProfile.Status.PENDING).pk}
    else:
        names = ("first_choice", "second_choice", "third_choice")
        data = {
            name: "" if index is None else three_mentors[index].pk for name, index in zip(names, choices, strict=True)
        }
    response = client_for(member).post(reverse("matching:request_choose", kwargs={"pk": open_request.pk}), data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert "govuk-error-summary" in response.content.decode()
    assert not Introduction.objects.exists()
