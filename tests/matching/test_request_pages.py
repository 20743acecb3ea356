"""A mutual's requests for a mentor, as its members use the pages: raising, editing and withdrawing one, the
form's errors, and another mutual's requests answering 404."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, Mutual, User
from matching import services
from matching.models import Introduction, MentoringRequest
from tests.clients import ClientFor
from tests.factories import MembershipFactory, MentorProfileFactory, service_area, topic
from tests.markup import text_of
from tests.matching.factories import rank
from tests.messaging.factories import RelationshipFactory

pytestmark = pytest.mark.django_db


def valid_request_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Help with our TUPE transfer",
        "topics": [topic("tupe-and-employment").pk, topic("pensions").pk],
        "service_area": service_area().pk,
        "format": "either",
        "urgency": "soon",
        "description": "About 200 staff transfer in April.",
    }
    data.update(overrides)
    return data


def test_a_member_raises_a_request_with_the_service_area_defaulting_from_the_mutual(
    member: User,
    mutual: Mutual,
    mentor_profile: MentorProfile,
    django_capture_on_commit_callbacks,
    client_for: ClientFor,
) -> None:
    client = client_for(member)
    page = client.get(reverse("matching:request_create"))
    assert page.status_code == 200
    assert page.context["form"].initial["service_area"] == mutual.service_areas.get().pk
    assert 'name="mutual"' not in page.content.decode()  # one mutual: not asked
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:request_create"), valid_request_data(topics=[topic().pk]))
    request = MentoringRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:request_detail", kwargs={"pk": request.pk})
    assert (request.mutual, request.created_by, request.status) == (mutual, member, "open")
    detail = client.get(response["Location"])
    assert "Bob Mentor" in detail.content.decode()  # the suggestions were computed after commit
    assert "Good match" in detail.content.decode() or "Strong match" in detail.content.decode()
    # Opened straight after sending: a confirmation panel, then what happens next, with the next step first.
    page = text_of(detail)
    assert "Request sent" in page
    steps = page[page.index("What happens next") :]
    assert steps.index("Choose up to three of the suggested mentors") < steps.index("Choose your mentors")
    assert "They have 7 days to accept or decline" in steps
    assert "aims to be in touch within 5 working days" in steps
    # Once only: coming back shows the request under its own heading.
    again = text_of(client.get(response["Location"]))
    assert "Request sent" not in again and "What happens next" in again


def test_the_request_page_says_who_is_deciding_until_when_and_what_happened_to_earlier_choices(
    open_request: MentoringRequest, member: User, client_for: ClientFor
) -> None:
    first, second, third = (
        MentorProfileFactory(user__full_name=name) for name in ("Fay First", "Sid Second", "Tim Third")
    )
    rank(open_request)
    services.preferences_choose(request=open_request, user=member, mentor_ids=[first.pk, second.pk, third.pk])
    services.introduction_decline(
        introduction=open_request.introductions.get(mentor=first), user=first.user, reason="Too busy"
    )
    pending = open_request.introductions.get(mentor=second)

    page = text_of(client_for(member).get(reverse("matching:request_detail", kwargs={"pk": open_request.pk})))

    due = pending.expires_at.astimezone(timezone.get_current_timezone())
    assert f"We have introduced you to Sid Second. They have until {due:%A} {due.day} {due:%B %Y} to accept" in page
    assert "we introduce you to your next choice, Tim Third, straight away" in page
    today = timezone.localdate()
    assert f"Declined on {today.day} {today:%B %Y}." in page
    assert f"Introduced on {today.day} {today:%B %Y}. They have until {due.day} {due:%B %Y} to reply." in page
    assert "Introduced only if your earlier choices cannot help." in page


def test_a_matched_request_links_to_its_relationship_and_an_open_one_does_not_ask_for_it(
    open_request: MentoringRequest, member: User, client_for: ClientFor
) -> None:
    url = reverse("matching:request_detail", kwargs={"pk": open_request.pk})
    client = client_for(member)
    client.get(url)
    with CaptureQueriesContext(connection) as open_page:
        page = text_of(client.get(url))
    assert "You have a mentor" not in page
    assert not any('"messaging_relationship"."request_id"' in query["sql"] for query in open_page.captured_queries)

    mentor = MentorProfileFactory(user__full_name="Mo Matched")
    relationship = RelationshipFactory(mentor=mentor, mutual=open_request.mutual, request=open_request)
    MentoringRequest.objects.filter(pk=open_request.pk).update(status=MentoringRequest.Status.MATCHED)
    response = client.get(url)

    assert "You have a mentor Mo Matched" in text_of(response)
    assert reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk}) in response.content.decode()


def test_a_member_of_two_mutuals_chooses_which_one(member: User, mutual: Mutual, client_for: ClientFor) -> None:
    second = MembershipFactory(user=member).mutual
    client = client_for(member)
    response = client.post(reverse("matching:request_create"), valid_request_data(mutual=second.pk))
    assert response.status_code == 302
    assert MentoringRequest.objects.get().mutual == second
    stranger = MembershipFactory().mutual
    response = client.post(reverse("matching:request_create"), valid_request_data(mutual=stranger.pk))
    assert response.status_code == 200
    assert MentoringRequest.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"topics": []}, "topics"),
        ({"topics": [999999]}, "topics"),
        ({"service_area": "not a number"}, "service_area"),
        ({"format": "teleport"}, "format"),
        ({"urgency": ""}, "urgency"),
        ({"description": ""}, "description"),
        ({"description": "x" * 4001}, "description"),
    ],
)
def test_bad_request_input_shows_the_error_summary_and_saves_nothing(
    member: User, mutual: Mutual, overrides: dict[str, object], field: str, client_for: ClientFor
) -> None:
    response = client_for(member).post(reverse("matching:request_create"), valid_request_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "<title>Error:" in body
    assert not MentoringRequest.objects.exists()


def test_unicode_and_markup_are_stored_as_text_and_shown_escaped(
    member: User, mutual: Mutual, client_for: ClientFor
) -> None:
    payload = '<script>alert("x")</script> Żółć 🐝'
    client = client_for(member)
    client.post(reverse("matching:request_create"), valid_request_data(title=payload[:150], description=payload))
    request = MentoringRequest.objects.get()
    assert request.description == payload
    body = client.get(reverse("matching:request_detail", kwargs={"pk": request.pk})).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body
    assert "Żółć 🐝" in body


def test_people_who_are_not_members_are_told_who_can_ask(mentor: User, client_for: ClientFor) -> None:
    response = client_for(mentor).get(reverse("matching:request_create"))
    assert response.status_code == 403
    assert "Only mutuals can ask for a mentor" in response.content.decode()


def test_editing_an_open_request(open_request: MentoringRequest, member: User, client_for: ClientFor) -> None:
    client = client_for(member)
    url = reverse("matching:request_edit", kwargs={"pk": open_request.pk})
    assert client.get(url).context["form"].initial["title"] == "Help with our TUPE transfer"
    response = client.post(url, valid_request_data(title="Pensions, not TUPE", topics=[topic("pensions").pk]))
    assert response.status_code == 302
    open_request.refresh_from_db()
    assert open_request.title == "Pensions, not TUPE"
    assert list(open_request.topics.values_list("slug", flat=True)) == ["pensions"]
    assert client.post(url, valid_request_data(title="")).status_code == 200
    open_request.refresh_from_db()
    assert open_request.title == "Pensions, not TUPE"


def test_a_request_that_is_not_open_cannot_be_edited_or_have_mentors_chosen(
    introduction: Introduction, member: User, client_for: ClientFor
) -> None:
    client = client_for(member)
    pk = introduction.request_id
    for name in ("matching:request_edit", "matching:request_choose"):
        response = client.post(reverse(name, kwargs={"pk": pk}), valid_request_data(title="Changed"))
        assert response.status_code == 302
    assert MentoringRequest.objects.get(pk=pk).title == "Help with our TUPE transfer"
    assert Introduction.objects.count() == 1


def test_withdrawing_needs_a_reason(open_request: MentoringRequest, member: User, client_for: ClientFor) -> None:
    client = client_for(member)
    url = reverse("matching:request_withdraw", kwargs={"pk": open_request.pk})
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Tell us why you are withdrawing the request" in response.content.decode()
    open_request.refresh_from_db()
    assert open_request.status == MentoringRequest.Status.OPEN
    assert client.post(url, {"reason": "Found help elsewhere"}).status_code == 302
    open_request.refresh_from_db()
    assert (open_request.status, open_request.closed_note) == ("withdrawn", "Found help elsewhere")


def test_another_mutuals_request_is_a_404_for_get_and_post(
    open_request: MentoringRequest, client_for: ClientFor
) -> None:
    other_member = MembershipFactory().user
    client = client_for(other_member)
    missing = MentoringRequest.objects.order_by("-pk").first().pk + 100
    for name in ("request_detail", "request_edit", "request_withdraw", "request_choose"):
        for pk in (open_request.pk, missing):
            url = reverse(f"matching:{name}", kwargs={"pk": pk})
            assert client.get(url).status_code == 404, url
            if name != "request_detail":
                assert client.post(url, valid_request_data(reason="x")).status_code == 404, url
    open_request.refresh_from_db()
    assert open_request.status == MentoringRequest.Status.OPEN
