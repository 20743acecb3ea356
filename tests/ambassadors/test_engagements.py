"""Engagement requests: ranking with the matching engine, inviting, accepting, declining and logging."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from ambassadors import services
from ambassadors.models import (
    Ambassador,
    EmergingProject,
    Engagement,
    EngagementInvitation,
    EngagementRequest,
    Format,
)
from ambassadors.ranking import suggest_ambassadors
from ambassadors.services import AmbassadorsError
from tests.ambassadors.factories import (
    AmbassadorFactory,
    EngagementFactory,
    EngagementInvitationFactory,
    EngagementRequestFactory,
)
from tests.clients import ClientFor
from tests.factories import region, service_area, stage, topic
from tests.forms import date_input
from tests.notifications.outbox import send_pending, written

Kind = EngagementRequest.Kind


def _names(suggestions: list) -> list[str]:  # type: ignore[type-arg]
    return [suggestion.ambassador.user.full_name for suggestion in suggestions]


# --- Ranking -------------------------------------------------------------------------------------------------


@pytest.fixture
def talk_request(member: User) -> EngagementRequest:
    """A talk in the North West on adult social care, about TUPE and pensions."""
    return EngagementRequestFactory(
        requested_by=member,
        kind=Kind.TALK,
        region=region("north-west"),
        service_area=service_area("adult-social-care"),
        topics=[topic("tupe-and-employment"), topic("pensions")],
    )


def _ambassador(name: str, **kwargs: object) -> Ambassador:
    kwargs.setdefault("region", region("north-west"))
    kwargs.setdefault("service_areas", [service_area("adult-social-care")])
    kwargs.setdefault("topics", [topic("tupe-and-employment"), topic("pensions")])
    return AmbassadorFactory(user__full_name=name, **kwargs)


@pytest.mark.django_db
def test_the_best_fit_comes_first_with_reasons(talk_request: EngagementRequest) -> None:
    _ambassador("Perfect Fit")
    _ambassador("Neighbour Half", region=region("yorkshire-and-the-humber"), topics=[topic("pensions")])
    _ambassador("Other Area", service_areas=[service_area("fire-and-rescue")])
    suggestions = suggest_ambassadors(talk_request)
    assert _names(suggestions) == ["Perfect Fit", "Other Area", "Neighbour Half"]
    best = suggestions[0]
    assert best.reasons[:3] == [
        "Works in adult social care",
        "Covers both of your topics: TUPE, pensions",
        "Also in the North West",
    ]
    assert best.strength == "Strong match"
    assert suggestions[0].score > suggestions[1].score > suggestions[2].score
    assert "Based nearby, in Yorkshire and the Humber" in suggestions[2].reasons


@pytest.mark.django_db
def test_ambassadors_who_cannot_take_it_are_never_suggested(
    talk_request: EngagementRequest, member: User, outsider: User
) -> None:
    _ambassador("Can Do")
    _ambassador("No Topics", topics=[topic("marketing")])
    _ambassador("Stood Down", status=Ambassador.Status.STOOD_DOWN)
    full = _ambassador("Full Up", engagements_per_quarter=1)
    EngagementInvitationFactory(ambassador=full)  # a pending invitation elsewhere fills their one place
    busy = _ambassador("Busy Lately", engagements_per_quarter=1)
    EngagementFactory(ambassador=busy, held_on=timezone.localdate() - timedelta(days=30))
    declined = _ambassador("Said No")
    EngagementInvitationFactory(request=talk_request, ambassador=declined, status=EngagementInvitation.Status.DECLINED)
    _ambassador("The Requester", user=member)
    assert _names(suggest_ambassadors(talk_request)) == ["Can Do"]


@pytest.mark.django_db
def test_old_engagements_no_longer_count_against_capacity(talk_request: EngagementRequest) -> None:
    rested = _ambassador("Rested", engagements_per_quarter=1)
    EngagementFactory(ambassador=rested, held_on=timezone.localdate() - timedelta(days=120))
    assert _names(suggest_ambassadors(talk_request)) == ["Rested"]


@pytest.mark.django_db
def test_more_room_ranks_higher_when_all_else_is_equal(talk_request: EngagementRequest) -> None:
    busy = _ambassador("Half Busy", engagements_per_quarter=2)
    EngagementInvitationFactory(ambassador=busy)
    _ambassador("All Free", engagements_per_quarter=2)
    assert _names(suggest_ambassadors(talk_request)) == ["All Free", "Half Busy"]


@pytest.mark.django_db
def test_visits_need_someone_who_can_travel(member: User) -> None:
    visit = EngagementRequestFactory(
        requested_by=member, kind=Kind.VISIT, region=region("north-west"), topics=[topic("pensions")]
    )
    _ambassador("Remote Only", format=Format.REMOTE)
    _ambassador("Far Away", region=region("london"))
    _ambassador("Next Door", region=region("yorkshire-and-the-humber"), format=Format.IN_PERSON)
    _ambassador("Local", format=Format.EITHER)
    assert _names(suggest_ambassadors(visit)) == ["Local", "Next Door"]


@pytest.mark.django_db
def test_peer_calls_can_be_with_anyone_who_works_remotely(member: User) -> None:
    call = EngagementRequestFactory(
        requested_by=member, kind=Kind.PEER_CALL, region=region("north-west"), topics=[topic("pensions")]
    )
    _ambassador("In Person Only Far", region=region("london"), format=Format.IN_PERSON)
    _ambassador("Remote Far", region=region("london"), format=Format.REMOTE)
    suggestions = suggest_ambassadors(call)
    assert _names(suggestions) == ["Remote Far"]
    assert "Based in London; you can both meet remotely" in suggestions[0].reasons


@pytest.mark.django_db
def test_request_page_shows_suggestions_to_the_requester_and_staff(
    talk_request: EngagementRequest, member: User, staff: User, outsider: User, client_for: ClientFor
) -> None:
    _ambassador("Perfect Fit")
    for user in (member, staff):
        page = client_for(user).get(reverse("ambassadors:request_detail", args=[talk_request.pk])).content.decode()
        assert "Perfect Fit" in page
        assert "Covers both of your topics: TUPE, pensions" in page
    assert client_for(outsider).get(reverse("ambassadors:request_detail", args=[talk_request.pk])).status_code == 404


# --- The request's life --------------------------------------------------------------------------------------


def _request_data(**overrides: object) -> dict[str, object]:
    start = timezone.localdate() + timedelta(days=10)
    data: dict[str, object] = {
        "kind": Kind.WORKSHOP,
        "title": "Workshop for our board",
        "organisation": "Northshire County Council",
        **date_input("preferred_from", start),
        **date_input("preferred_to", start + timedelta(days=20)),
        "region": region().pk,
        "service_area": service_area().pk,
        "topics": [topic().pk],
        "audience_size": "12",
        "description": "Our board is considering a mutual.",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_anyone_signed_in_can_ask_for_an_ambassador(outsider: User, client_for: ClientFor) -> None:
    response = client_for(outsider).post(reverse("ambassadors:request_create"), _request_data())
    engagement_request = EngagementRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ambassadors:request_detail", args=[engagement_request.pk])
    assert engagement_request.requested_by == outsider
    assert engagement_request.status == EngagementRequest.Status.OPEN
    assert engagement_request.audience_size == 12


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (date_input("preferred_from", (1, 1, 2001)), "The earliest date must be today or in the future"),
        (date_input("preferred_from", ("not", "a", "date")), "The earliest date must be a real date"),
        (date_input("preferred_from", ("12", "", "2027")), "The earliest date must include a month"),
        (date_input("preferred_from", ("12", "3", "27")), "Year must include 4 numbers"),
        (date_input("preferred_to", timezone.localdate() + timedelta(days=1)), "The latest date must be"),
        ({"audience_size": "-5"}, "Enter a number of people between 1 and 100000"),
        ({"kind": "party"}, "Select an answer to “What would you like?” from the list"),
        ({"topics": []}, "Select at least one topic"),
        ({"title": ""}, "Enter a title"),
    ],
)
def test_bad_requests_are_refused(
    outsider: User, overrides: dict[str, object], message: str, client_for: ClientFor
) -> None:
    response = client_for(outsider).post(reverse("ambassadors:request_create"), _request_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EngagementRequest.objects.exists()


@pytest.mark.django_db
def test_invite_accept_and_log(
    talk_request: EngagementRequest,
    member: User,
    ambassador: User,
    ambassador_record: Ambassador,
    staff: User,
    django_capture_on_commit_callbacks,
    client_for: ClientFor,  # type: ignore[no-untyped-def]
) -> None:
    detail = reverse("ambassadors:request_detail", args=[talk_request.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(member).post(detail, {"ambassador": ambassador_record.pk})
    assert response.status_code == 302
    invitation = EngagementInvitation.objects.get(request=talk_request)
    assert invitation.ambassador == ambassador_record and invitation.invited_by == member
    talk_request.refresh_from_db()
    assert talk_request.status == EngagementRequest.Status.INVITED
    assert len(callbacks) == 1
    assert [message.to for message in mail.outbox] == [[ambassador.email]]
    assert reverse("ambassadors:invitation_detail", args=[invitation.pk]) in mail.outbox[0].body

    # Dana accepts.
    dana = client_for(ambassador)
    with django_capture_on_commit_callbacks(execute=True):
        response = dana.post(reverse("ambassadors:invitation_detail", args=[invitation.pk]), {"decision": "accept"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    talk_request.refresh_from_db()
    assert invitation.status == EngagementInvitation.Status.ACCEPTED
    assert talk_request.status == EngagementRequest.Status.ACCEPTED
    assert mail.outbox[-1].to == [member.email]
    assert "has accepted" in mail.outbox[-1].body

    # Logging: a future date is refused, then it is logged.
    log_url = reverse("ambassadors:engagement_log", args=[talk_request.pk])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = dana.post(log_url, {**date_input("held_on", tomorrow), "attendees": "25", "outcome": "Good"})
    assert response.status_code == 200
    assert "The date held must be today or in the past" in response.content.decode()
    assert not Engagement.objects.exists()
    response = dana.post(
        log_url,
        {
            **date_input("held_on", timezone.localdate()),
            "attendees": "25",
            "outcome": "Lots of questions on pensions.",
            "follow_ups": "Send the TUPE guide.",
            "new_project": "The council's youth service is thinking about spinning out.",
        },
    )
    assert response.status_code == 302
    engagement = Engagement.objects.get()
    assert (engagement.ambassador, engagement.attendees, engagement.logged_by) == (ambassador_record, 25, ambassador)
    talk_request.refresh_from_db()
    assert talk_request.status == EngagementRequest.Status.HELD
    # Logged once only.
    assert dana.post(log_url, {**date_input("held_on", timezone.localdate()), "attendees": "1", "outcome": "x"})
    assert Engagement.objects.count() == 1

    # Staff add the project it surfaced to the emerging mutuals pipeline.
    staff_client = client_for(staff)
    add_url = reverse("ambassadors:emerging_project_add") + f"?engagement={engagement.pk}"
    form = staff_client.get(add_url).content.decode()
    assert "youth service is thinking" in form
    response = staff_client.post(
        add_url,
        {
            "name": "Northshire Youth Service",
            "region": region().pk,
            "service_area": service_area().pk,
            "stage": stage("building-support").pk,
            "notes": "Staff vote next month.",
        },
    )
    assert response.status_code == 302
    project = EmergingProject.objects.select_related("mutual").get()
    assert (project.source_engagement, project.added_by) == (engagement, staff)
    # The project is an unclaimed mutual on the one pipeline, at the stage chosen, with its first history row.
    mutual = project.mutual
    assert (mutual.name, mutual.region, mutual.stage.slug) == ("Northshire Youth Service", region(), "building-support")
    assert list(mutual.service_areas.all()) == [service_area()]
    assert mutual.description == "Staff vote next month."
    assert not mutual.memberships.exists() and not mutual.listed_publicly
    change = mutual.stage_changes.get()
    assert (change.from_stage, change.to_stage.slug, change.changed_by) == (None, "building-support", staff)
    listing = staff_client.get(reverse("ambassadors:emerging_projects")).content.decode()
    assert "Northshire Youth Service" in listing


@pytest.mark.django_db
def test_decline_reopens_the_request_and_excludes_that_ambassador(
    talk_request: EngagementRequest,
    ambassador: User,
    ambassador_record: Ambassador,
    member: User,
    django_capture_on_commit_callbacks,
    client_for: ClientFor,  # type: ignore[no-untyped-def]
) -> None:
    invitation = services.engagement_invite(request=talk_request, ambassador=ambassador_record, invited_by=member)
    url = reverse("ambassadors:invitation_detail", args=[invitation.pk])
    dana = client_for(ambassador)
    response = dana.post(url, {"decision": "decline", "decline_reason": ""})
    assert response.status_code == 200
    assert "Enter a reason for declining" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = dana.post(url, {"decision": "decline", "decline_reason": "Away that month"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    talk_request.refresh_from_db()
    assert invitation.status == EngagementInvitation.Status.DECLINED
    assert invitation.decline_reason == "Away that month"
    assert talk_request.status == EngagementRequest.Status.OPEN
    assert "Away that month" in mail.outbox[-1].body
    assert ambassador_record not in [s.ambassador for s in suggest_ambassadors(talk_request)]
    with pytest.raises(AmbassadorsError, match="already declined"):
        services.engagement_invite(request=talk_request, ambassador=ambassador_record, invited_by=member)


@pytest.mark.django_db
def test_invitations_are_refused_when_not_allowed(
    talk_request: EngagementRequest, member: User, outsider: User, ambassador_record: Ambassador
) -> None:
    with pytest.raises(AmbassadorsError):
        services.engagement_invite(request=talk_request, ambassador=ambassador_record, invited_by=outsider)
    full = AmbassadorFactory(engagements_per_quarter=1)
    EngagementInvitationFactory(ambassador=full)
    with pytest.raises(AmbassadorsError, match="no room"):
        services.engagement_invite(request=talk_request, ambassador=full, invited_by=member)
    stood_down = AmbassadorFactory(status=Ambassador.Status.STOOD_DOWN)
    with pytest.raises(AmbassadorsError, match="no longer an ambassador"):
        services.engagement_invite(request=talk_request, ambassador=stood_down, invited_by=member)
    services.engagement_invite(request=talk_request, ambassador=ambassador_record, invited_by=member)
    with pytest.raises(AmbassadorsError, match="while the request is open"):
        services.engagement_invite(request=talk_request, ambassador=AmbassadorFactory(), invited_by=member)
    assert EngagementInvitation.objects.filter(request=talk_request).count() == 1


@pytest.mark.django_db
def test_invite_with_a_bad_ambassador_id_shows_an_error(
    talk_request: EngagementRequest, member: User, client_for: ClientFor
) -> None:
    url = reverse("ambassadors:request_detail", args=[talk_request.pk])
    for value in ("", "abc", "999999"):
        response = client_for(member).post(url, {"ambassador": value})
        assert response.status_code == 200
        assert "Choose an ambassador to invite" in response.content.decode()
    assert not EngagementInvitation.objects.exists()


@pytest.mark.django_db
def test_other_peoples_requests_and_invitations_are_not_found(
    talk_request: EngagementRequest, outsider: User, mentor: User, ambassador_record: Ambassador, client_for: ClientFor
) -> None:
    invitation = services.engagement_invite(
        request=talk_request, ambassador=ambassador_record, invited_by=talk_request.requested_by
    )
    for user in (outsider, mentor):
        client = client_for(user)
        for name, pk in (
            ("ambassadors:request_detail", talk_request.pk),
            ("ambassadors:request_withdraw", talk_request.pk),
            ("ambassadors:engagement_log", talk_request.pk),
            ("ambassadors:invitation_detail", invitation.pk),
        ):
            assert client.get(reverse(name, args=[pk])).status_code == 404
            assert client.post(reverse(name, args=[pk]), {"ambassador": ambassador_record.pk}).status_code == 404
            assert client.get(reverse(name, args=[pk + 1000])).status_code == 404
    invitation.refresh_from_db()
    talk_request.refresh_from_db()
    assert invitation.status == EngagementInvitation.Status.PENDING
    assert talk_request.status == EngagementRequest.Status.INVITED


@pytest.mark.django_db
def test_requester_withdraws_and_the_invitation_is_cancelled(
    talk_request: EngagementRequest, member: User, ambassador_record: Ambassador, client_for: ClientFor
) -> None:
    invitation = services.engagement_invite(request=talk_request, ambassador=ambassador_record, invited_by=member)
    response = client_for(member).post(reverse("ambassadors:request_withdraw", args=[talk_request.pk]))
    assert response.status_code == 302
    talk_request.refresh_from_db()
    invitation.refresh_from_db()
    assert talk_request.status == EngagementRequest.Status.WITHDRAWN
    assert invitation.status == EngagementInvitation.Status.CANCELLED


@pytest.mark.django_db
def test_the_ambassador_and_then_the_requester_are_emailed(
    talk_request: EngagementRequest,
    member: User,
    ambassador: User,
    ambassador_record: Ambassador,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = services.engagement_invite(request=talk_request, ambassador=ambassador_record, invited_by=member)
    # Written with the invitation; sent after commit.
    assert len(callbacks) == 1 and mail.outbox == []
    assert [email.recipient for email in written("engagement_invitation")] == [ambassador]
    [to_ambassador] = send_pending()
    assert to_ambassador.to == [ambassador.email]
    assert talk_request.title in to_ambassador.body
    # No answer yet, so nothing for the requester.
    assert written("engagement_response") == []
    services.invitation_accept(invitation=invitation, actor=ambassador)
    [to_requester] = send_pending()
    assert to_requester.to == [member.email]
    assert "has accepted your request" in to_requester.body
    assert ambassador.email in to_requester.body


@pytest.mark.django_db
def test_invitation_reply_needs_a_csrf_token(
    talk_request: EngagementRequest,
    member: User,
    ambassador: User,
    ambassador_record: Ambassador,
    client_for: ClientFor,
) -> None:
    invitation = services.engagement_invite(request=talk_request, ambassador=ambassador_record, invited_by=member)
    client = client_for(ambassador, enforce_csrf_checks=True)
    response = client.post(reverse("ambassadors:invitation_detail", args=[invitation.pk]), {"decision": "accept"})
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == EngagementInvitation.Status.PENDING


@pytest.mark.django_db
def test_invite_needs_a_csrf_token(
    talk_request: EngagementRequest, member: User, ambassador_record: Ambassador, client_for: ClientFor
) -> None:
    client = client_for(member, enforce_csrf_checks=True)
    response = client.post(
        reverse("ambassadors:request_detail", args=[talk_request.pk]), {"ambassador": ambassador_record.pk}
    )
    assert response.status_code == 403
    assert not EngagementInvitation.objects.exists()
