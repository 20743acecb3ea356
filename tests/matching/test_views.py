"""The matching pages as people use them: forms and their errors, object access, and query budgets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, Mutual, User
from matching import services
from matching.models import BatchProposal, Introduction, MatchingWeights, MatchRun, MentoringRequest, ProposedPair
from messaging.models import Relationship
from tests.factories import MembershipFactory, MentorProfileFactory, UserFactory, service_area, topic
from tests.matching.factories import MentoringRequestFactory, rank

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def open_request(mutual: Mutual, member: User, mentor_profile: MentorProfile) -> MentoringRequest:
    request = MentoringRequestFactory(mutual=mutual, created_by=member, title="Help with our TUPE transfer")
    rank(request)
    return request


@pytest.fixture
def introduction(open_request: MentoringRequest, member: User, mentor_profile: MentorProfile) -> Introduction:
    services.preferences_choose(request=open_request, user=member, mentor_ids=[mentor_profile.pk])
    return open_request.introductions.get()


# --- Requests -----------------------------------------------------------------------------------------------


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
    member: User, mutual: Mutual, mentor_profile: MentorProfile, django_capture_on_commit_callbacks
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


def test_a_member_of_two_mutuals_chooses_which_one(member: User, mutual: Mutual) -> None:
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
    member: User, mutual: Mutual, overrides: dict[str, object], field: str
) -> None:
    response = client_for(member).post(reverse("matching:request_create"), valid_request_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "<title>Error:" in body
    assert not MentoringRequest.objects.exists()


def test_unicode_and_markup_are_stored_as_text_and_shown_escaped(member: User, mutual: Mutual) -> None:
    payload = '<script>alert("x")</script> Żółć 🐝'
    client = client_for(member)
    client.post(reverse("matching:request_create"), valid_request_data(title=payload[:150], description=payload))
    request = MentoringRequest.objects.get()
    assert request.description == payload
    body = client.get(reverse("matching:request_detail", kwargs={"pk": request.pk})).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body
    assert "Żółć 🐝" in body


def test_people_who_are_not_members_are_told_who_can_ask(mentor: User) -> None:
    response = client_for(mentor).get(reverse("matching:request_create"))
    assert response.status_code == 403
    assert "Only mutuals can ask for a mentor" in response.content.decode()


def test_editing_an_open_request(open_request: MentoringRequest, member: User) -> None:
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
    introduction: Introduction, member: User
) -> None:
    client = client_for(member)
    pk = introduction.request_id
    for name in ("matching:request_edit", "matching:request_choose"):
        response = client.post(reverse(name, kwargs={"pk": pk}), valid_request_data(title="Changed"))
        assert response.status_code == 302
    assert MentoringRequest.objects.get(pk=pk).title == "Help with our TUPE transfer"
    assert Introduction.objects.count() == 1


def test_withdrawing_needs_a_reason(open_request: MentoringRequest, member: User) -> None:
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


# --- Choosing mentors -----------------------------------------------------------------------------------------


@pytest.fixture
def three_mentors(open_request: MentoringRequest, mentor_profile: MentorProfile) -> list[MentorProfile]:
    mentors = [mentor_profile, MentorProfileFactory(), MentorProfileFactory()]
    rank(open_request)
    return mentors


def test_choosing_mentors_in_order(open_request: MentoringRequest, member: User, three_mentors) -> None:
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
    open_request: MentoringRequest, member: User, three_mentors
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
    open_request: MentoringRequest, member: User, three_mentors
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
        ("stranger", "first_choice", "Select a valid choice"),
    ],
)
def test_bad_choices_show_errors_and_introduce_nobody(
    open_request: MentoringRequest, member: User, three_mentors, choices, field, message
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


# --- The mentor's side ----------------------------------------------------------------------------------------


def test_the_mentor_sees_the_request_and_why_they_were_suggested(introduction: Introduction, mentor: User) -> None:
    client = client_for(mentor)
    listing = client.get(reverse("matching:introduction_list"))
    assert "Help with our TUPE transfer" in listing.content.decode()
    page = client.get(reverse("matching:introduction_detail", kwargs={"pk": introduction.pk}))
    body = page.content.decode()
    assert "would like you as their mentor" in body
    assert introduction.reasons[0] in body
    assert "first choice" in body


def test_accepting_needs_the_confirmation_then_opens_the_relationship(introduction: Introduction, mentor: User) -> None:
    client = client_for(mentor)
    url = reverse("matching:introduction_accept", kwargs={"pk": introduction.pk})
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Confirm to continue" in response.content.decode()
    assert not Relationship.objects.exists()
    response = client.post(url, {"confirm": "on"})
    relationship = Relationship.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk})
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.ACCEPTED


def test_accepting_over_capacity_shows_the_reason(introduction: Introduction, mentor: User) -> None:
    MentorProfile.objects.filter(user=mentor).update(active_mentees=2, capacity=2)
    response = client_for(mentor).post(
        reverse("matching:introduction_accept", kwargs={"pk": introduction.pk}), {"confirm": "on"}
    )
    assert response.status_code == 200
    assert "as many mutuals as you said you could" in response.content.decode()
    assert not Relationship.objects.exists()


def test_declining_needs_a_reason(introduction: Introduction, mentor: User) -> None:
    client = client_for(mentor)
    url = reverse("matching:introduction_decline", kwargs={"pk": introduction.pk})
    assert client.post(url, {"reason": "  "}).status_code == 200
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.PENDING
    assert client.post(url, {"reason": "Not my area"}).status_code == 302
    introduction.refresh_from_db()
    assert (introduction.status, introduction.decline_reason) == ("declined", "Not my area")


def test_people_who_are_not_mentors_are_told_who_gets_introductions(member: User) -> None:
    response = client_for(member).get(reverse("matching:introduction_list"))
    assert response.status_code == 403
    assert "Only mentors receive introductions" in response.content.decode()


# --- Object access --------------------------------------------------------------------------------------------


def test_another_mutuals_request_is_a_404_for_get_and_post(open_request: MentoringRequest) -> None:
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


def test_another_mentors_introduction_is_a_404_for_get_and_post(introduction: Introduction) -> None:
    other_mentor = MentorProfileFactory().user
    client = client_for(other_mentor)
    for pk in (introduction.pk, introduction.pk + 100):
        assert client.get(reverse("matching:introduction_detail", kwargs={"pk": pk})).status_code == 404
        assert client.get(reverse("matching:introduction_decline", kwargs={"pk": pk})).status_code == 404
        accept = client.post(reverse("matching:introduction_accept", kwargs={"pk": pk}), {"confirm": "on"})
        decline = client.post(reverse("matching:introduction_decline", kwargs={"pk": pk}), {"reason": "No"})
        assert (accept.status_code, decline.status_code) == (404, 404)
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.PENDING


def test_a_queued_introduction_is_not_shown_to_its_mentor_yet(
    open_request: MentoringRequest, member: User, three_mentors
) -> None:
    services.preferences_choose(request=open_request, user=member, mentor_ids=[m.pk for m in three_mentors[:2]])
    queued = open_request.introductions.get(preference=2)
    client = client_for(three_mentors[1].user)
    assert client.get(reverse("matching:introduction_detail", kwargs={"pk": queued.pk})).status_code == 404


def test_csrf_is_enforced_on_state_changing_posts(introduction: Introduction, mentor: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentor)
    response = client.post(reverse("matching:introduction_accept", kwargs={"pk": introduction.pk}), {"confirm": "on"})
    assert response.status_code == 403
    assert not Relationship.objects.exists()


# --- Programme team -------------------------------------------------------------------------------------------


@pytest.fixture
def needing_attention(introduction: Introduction, mentor: User) -> MentoringRequest:
    services.introduction_decline(introduction=introduction, user=mentor, reason="Too busy")
    request = MentoringRequest.objects.get(pk=introduction.request_id)
    assert request.status == MentoringRequest.Status.NEEDS_ATTENTION
    return request


def test_staff_introduce_by_hand_from_the_eligible_list(needing_attention: MentoringRequest, staff: User) -> None:
    helper = MentorProfileFactory(user__full_name="Helen Helper")
    client = client_for(staff)
    queue = client.get(reverse("matching:attention_queue"))
    assert needing_attention.title in queue.content.decode()
    url = reverse("matching:staff_request_detail", kwargs={"pk": needing_attention.pk})
    page = client.get(url)
    body = page.content.decode()
    assert "Helen Helper" in body
    assert "Too busy" in body  # staff see why the last mentor declined
    assert [candidate.mentor_id for candidate in page.context["candidates"]] == [helper.pk]
    bad = client.post(reverse("matching:staff_introduce", kwargs={"pk": needing_attention.pk}), {"mentor": ""})
    assert bad.status_code == 200
    assert "Select a mentor to introduce" in bad.content.decode()
    good = client.post(reverse("matching:staff_introduce", kwargs={"pk": needing_attention.pk}), {"mentor": helper.pk})
    assert good.status_code == 302
    assert needing_attention.introductions.get(mentor=helper).status == Introduction.Status.PENDING


def test_staff_record_no_match_with_a_note(needing_attention: MentoringRequest, staff: User) -> None:
    client = client_for(staff)
    url = reverse("matching:staff_no_match", kwargs={"pk": needing_attention.pk})
    assert client.post(url, {"note": ""}).status_code == 200
    needing_attention.refresh_from_db()
    assert needing_attention.status == MentoringRequest.Status.NEEDS_ATTENTION
    assert client.post(url, {"note": "Nobody nearby"}).status_code == 302
    needing_attention.refresh_from_db()
    assert (needing_attention.status, needing_attention.closed_note) == ("closed", "Nobody nearby")


def test_staff_start_a_full_run_and_watch_it(open_request: MentoringRequest, staff: User) -> None:
    client = client_for(staff)
    response = client.post(reverse("matching:run_start"))
    run = MatchRun.objects.get(kind=MatchRun.Kind.FULL)
    assert response["Location"] == reverse("matching:run_detail", kwargs={"pk": run.pk})
    assert (run.started_by, run.source) == (staff, MatchRun.Source.USER)
    page = client.get(response["Location"]).content.decode()
    # In tests the queued run has not been executed (tasks wait for a commit): the page refreshes itself.
    assert 'http-equiv="refresh"' in page
    assert "Queued" in page
    services.rematch_full(run=run)
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "Succeeded" in page and "Persist" in page


def test_non_staff_cannot_start_a_run(member: User) -> None:
    assert client_for(member).post(reverse("matching:run_start")).status_code == 404
    assert not MatchRun.objects.filter(kind=MatchRun.Kind.FULL).exists()


# --- Query budgets --------------------------------------------------------------------------------------------


def _many_requests(mutual: Mutual, count: int) -> None:
    for _ in range(count):
        MentoringRequestFactory(mutual=mutual, topics=[topic(), topic("pensions")])


@pytest.mark.parametrize("rows", [5, 50])
def test_request_detail_query_budget(
    mutual: Mutual, member: User, rows: int, django_assert_max_num_queries, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = MentoringRequestFactory(mutual=mutual, topics=[topic(), topic("pensions")])
    mentors = [MentorProfileFactory() for _ in range(rows)]
    monkeypatch.setattr(services.runs, "SUGGESTIONS_PER_REQUEST", rows)
    rank(request)
    for preference, mentor in enumerate(mentors[:3], start=1):
        Introduction.objects.create(request=request, mentor=mentor, preference=preference)
    client = client_for(member)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("matching:request_detail", kwargs={"pk": request.pk}))
    assert response.status_code == 200
    assert len(response.context["suggestions"]) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_request_list_query_budget(mutual: Mutual, member: User, rows: int, django_assert_max_num_queries) -> None:
    _many_requests(mutual, rows)
    client = client_for(member)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("matching:request_list"))
    assert response.status_code == 200
    assert response.content.decode().count("Help with our business plan") >= min(rows, 20)


@pytest.mark.parametrize("rows", [5, 50])
def test_introduction_list_query_budget(mentor: User, rows: int, django_assert_max_num_queries) -> None:
    profile = mentor.mentor_profile
    for _ in range(rows):
        request = MentoringRequestFactory(
            topics=[topic(), topic("pensions")], status=MentoringRequest.Status.INTRODUCED
        )
        Introduction.objects.create(
            request=request,
            mentor=profile,
            status=Introduction.Status.DECLINED,
            sent_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=7),
        )
    client = client_for(mentor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("matching:introduction_list"))
    assert response.status_code == 200
    assert response.context["pagination"].total == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_staff_lists_query_budget(staff: User, rows: int, django_assert_max_num_queries) -> None:
    for _ in range(rows):
        MentoringRequestFactory(topics=[topic(), topic("pensions")], status=MentoringRequest.Status.NEEDS_ATTENTION)
        MatchRun.objects.create(kind=MatchRun.Kind.REQUEST, status=MatchRun.Status.SUCCEEDED, timings={"load": 0.1})
        MatchRun.objects.create(kind=MatchRun.Kind.FULL, started_by=staff, source=MatchRun.Source.USER)
        proposal = BatchProposal.objects.create(created_by=staff)
        ProposedPair.objects.create(
            proposal=proposal,
            request=MentoringRequest.objects.last(),
            mentor=MentorProfileFactory(),
            score=0.5,
        )
        MatchingWeights.objects.create(
            service_area=0.2, topics=0.4, region=0.1, stage=0.1, capacity=0.2, created_by=staff
        )
    client = client_for(staff)
    for name in ("attention_queue", "run_list", "batch_list", "weights"):
        with django_assert_max_num_queries(14):
            response = client.get(reverse(f"matching:{name}"))
        assert response.status_code == 200, name
        # Each list shows its rows (up to a page of them), not an empty state.
        body_rows = response.content.decode().split('<tbody class="govuk-table__body">', 1)[-1].count("<tr")
        assert body_rows >= min(rows, 20), (name, body_rows)


@pytest.mark.parametrize("rows", [5, 50])
def test_batch_detail_query_budget(staff: User, rows: int, django_assert_max_num_queries) -> None:
    proposal = BatchProposal.objects.create(created_by=staff)
    for _ in range(rows):
        ProposedPair.objects.create(
            proposal=proposal, request=MentoringRequestFactory(), mentor=MentorProfileFactory(), score=0.7
        )
    client = client_for(staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("matching:batch_detail", kwargs={"pk": proposal.pk}))
    assert response.status_code == 200
    assert len(response.context["proposed"]) == rows


def test_dashboard_sections(member: User, mentor: User, staff: User, introduction: Introduction) -> None:
    member_page = client_for(member).get(reverse("accounts:dashboard")).content.decode()
    assert "Your requests for a mentor" in member_page and "Help with our TUPE transfer" in member_page
    mentor_page = client_for(mentor).get(reverse("accounts:dashboard")).content.decode()
    assert "Introductions waiting for you" in mentor_page
    assert reverse("matching:introduction_detail", kwargs={"pk": introduction.pk}) in mentor_page
    staff_page = client_for(staff).get(reverse("accounts:dashboard")).content.decode()
    assert "Requests needing attention" in staff_page
    outsider_page = client_for(UserFactory()).get(reverse("accounts:dashboard")).content.decode()
    assert "Your requests for a mentor" not in outsider_page
    assert "Introductions waiting for you" not in outsider_page


def test_the_admin_lists_every_matching_model(introduction: Introduction) -> None:
    superuser = UserFactory(is_staff=True, is_superuser=True, is_programme_team=True)
    from tests.conftest import enable_mfa

    enable_mfa(superuser)
    client = client_for(superuser)
    for model in ("mentoringrequest", "suggestion", "introduction", "matchrun", "matchingweights", "batchproposal"):
        assert client.get(f"/django-admin/matching/{model}/").status_code == 200, model
    suggestion = introduction.request.suggestions.first()
    page = client.get(f"/django-admin/matching/suggestion/{suggestion.pk}/change/")
    assert page.status_code == 200
    assert 'name="rank"' not in page.content.decode()  # computed rows are read-only
