"""Announcements: the audience a member of staff chooses, the preview, sending through the worker (preferences
respected, batched, nobody told twice), the delivery counts, and the service-wide banner until its end date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging.models import Relationship
from notifications.models import EmailPreferences, Notice, OutboundEmail
from programme import announcements, tasks
from programme.models import Announcement, AnnouncementDelivery
from tests.ambassadors.factories import CohortFactory, make_ambassador
from tests.clients import ClientFor
from tests.factories import MembershipFactory, MentorProfileFactory, MutualFactory, UserFactory, region, topic
from tests.forms import date_input
from tests.messaging.factories import RelationshipFactory

pytestmark = pytest.mark.django_db


def draft(staff: User, **fields: object) -> Announcement:
    many = {name: fields.pop(name) for name in ("regions", "service_areas", "topics", "cohorts") if name in fields}
    announcement = Announcement.objects.create(
        **{"subject": "News", "body": "Hello all.", "created_by": staff, **fields}
    )
    for name, values in many.items():
        getattr(announcement, name).set(values)
    return announcement


def names(people: object) -> set[str]:
    return {person.full_name for person in people}  # type: ignore[attr-defined]


@pytest.fixture
def people(staff: User) -> dict[str, User]:
    london_mutual = MutualFactory(region=region("london"))
    leeds_mutual = MutualFactory(region=region("yorkshire-and-the-humber"))
    london_member = MembershipFactory(mutual=london_mutual, user__full_name="Lola London").user
    leeds_member = MembershipFactory(mutual=leeds_mutual, user__full_name="Yusuf Yorks").user
    mentor = MentorProfileFactory(user__full_name="Pat Pensions", region=region("london"), topics=[topic("pensions")])
    MentorProfileFactory(user__full_name="Vic Vetting", status="pending")
    busy = MentorProfileFactory(user__full_name="Bo Busy")
    RelationshipFactory(mentor=busy, mutual=leeds_mutual, status=Relationship.Status.ACTIVE)
    cohort = CohortFactory(name="2026 cohort")
    ambassador = make_ambassador(UserFactory(full_name="Ada Ambassador"), cohort=cohort).user
    UserFactory(full_name="Gone Person", is_active=False)
    return {
        "london_member": london_member,
        "leeds_member": leeds_member,
        "mentor": mentor.user,
        "busy": busy.user,
        "ambassador": ambassador,
    }


def test_the_audience_follows_each_choice(staff: User, people: dict[str, User]) -> None:
    everyone = {"Lola London", "Yusuf Yorks", "Pat Pensions", "Bo Busy", "Ada Ambassador"}
    assert names(announcements.audience(draft(staff))) >= everyone
    assert "Vic Vetting" not in names(announcements.audience(draft(staff)))  # not approved
    assert "Gone Person" not in names(announcements.audience(draft(staff)))
    assert names(announcements.audience(draft(staff, roles=["mentors"]))) == {"Pat Pensions", "Bo Busy"}
    london = names(announcements.audience(draft(staff, roles=["members", "mentors"], regions=[region("london")])))
    assert london == {"Lola London", "Pat Pensions"}
    assert names(announcements.audience(draft(staff, roles=["mentors"], topics=[topic("pensions")]))) == {
        "Pat Pensions"
    }
    cohort = people["ambassador"].ambassador.cohort
    assert names(announcements.audience(draft(staff, cohorts=[cohort]))) == {"Ada Ambassador"}
    in_one = names(announcements.audience(draft(staff, relationship_status="active")))
    assert in_one == {"Bo Busy", "Yusuf Yorks"}  # the mentor and the mutual's member
    assert "Bo Busy" not in names(announcements.audience(draft(staff, relationship_status="none")))


def test_write_preview_send_and_count(
    staff: User, people: dict[str, User], client_for: ClientFor, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    EmailPreferences.objects.create(user=people["busy"], programme=False)
    client = client_for(staff)
    response = client.post(
        reverse("programme:announcement_create"),
        {"subject": "Mentor meet-up", "body": "Join us in Leeds\non 3 May.", "roles": ["mentors"]},
    )
    announcement = Announcement.objects.get()
    assert response["Location"] == reverse("programme:announcement_detail", kwargs={"pk": announcement.pk})
    preview = client.get(response["Location"]).content.decode()
    assert "It would go to 2 people" in preview and "Pat Pensions" in preview and "Bo Busy" in preview
    assert not Notice.objects.filter(event="announcement").exists()  # nothing sent by a preview

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programme:announcement_send", kwargs={"pk": announcement.pk}))
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert (announcement.status, announcement.recipients_total, announcement.sent_by) == ("sent", 2, staff)
    assert set(Notice.objects.filter(event="announcement").values_list("user__full_name", flat=True)) == {
        "Pat Pensions",
        "Bo Busy",
    }
    # Bo turned news from the programme team off: a notice, no email.
    assert list(OutboundEmail.objects.filter(event="announcement").values_list("recipient__full_name", flat=True)) == [
        "Pat Pensions"
    ]
    page = client.get(reverse("programme:announcement_detail", kwargs={"pk": announcement.pk})).content.decode()
    assert "is being sent to 2 people" in page
    assert announcements.counts(announcement) == {"told": 2, "emailed": 1, "notice_only": 1}

    again = client.post(reverse("programme:announcement_send", kwargs={"pk": announcement.pk}), follow=True)
    assert "This announcement has already been sent." in again.content.decode()
    assert Notice.objects.filter(event="announcement").count() == 2


def test_the_worker_goes_a_batch_at_a_time_and_a_repeat_tells_nobody_twice(
    staff: User, people: dict[str, User], settings, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    settings.ANNOUNCEMENT_BATCH_SIZE = 2
    queued: list[tuple[object, int]] = []
    monkeypatch.setattr(
        tasks.deliver_announcement, "apply_async", lambda args, countdown: queued.append((args, countdown))
    )
    monkeypatch.setattr(tasks.deliver_announcement, "delay", lambda *args: None)
    announcement = draft(staff)
    announcements.announcement_send(announcement=announcement, actor=staff)
    announcement.refresh_from_db()
    total = announcement.recipients_total
    assert total == 5

    assert tasks.deliver_announcement(announcement.pk) is True
    assert AnnouncementDelivery.objects.count() == 2
    assert queued == [((announcement.pk,), settings.ANNOUNCEMENT_BATCH_PAUSE_SECONDS)]  # the next batch waits
    while tasks.deliver_announcement(announcement.pk):
        pass
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SENT
    assert AnnouncementDelivery.objects.count() == Notice.objects.filter(event="announcement").count() == 5
    # Delivered again (a redelivered task): nothing more.
    assert tasks.deliver_announcement(announcement.pk) is False
    assert Notice.objects.filter(event="announcement").count() == 5
    assert OutboundEmail.objects.filter(event="announcement").count() == 5


def test_an_empty_audience_cannot_be_sent(staff: User, client_for: ClientFor) -> None:
    announcement = draft(staff, roles=["ambassadors"], relationship_status="active")
    response = client_for(staff).post(
        reverse("programme:announcement_send", kwargs={"pk": announcement.pk}), follow=True
    )
    assert "Nobody is in this audience" in response.content.decode()
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.DRAFT


def test_the_form_says_what_to_fix(staff: User, client_for: ClientFor) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client_for(staff).post(
        reverse("programme:announcement_create"),
        {"subject": "", "body": "", **date_input("banner_until", yesterday)},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Enter a subject" in page and "Enter the message" in page
    assert "The banner&#x27;s end date must be today or in the future" in page
    assert not Announcement.objects.exists()


def test_the_banner_shows_on_every_page_until_its_end_date(
    staff: User, member: User, client_for: ClientFor, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    announcement = draft(staff, roles=["members"], banner_until=timezone.localdate())
    announcement.subject = "Service closed on Friday <b>for maintenance</b>"
    announcement.save()
    with django_capture_on_commit_callbacks(execute=True):
        announcements.announcement_send(announcement=announcement, actor=staff)
    home = client_for(member).get(reverse("pages:home")).content.decode()
    assert "From the programme team" in home
    assert "Service closed on Friday &lt;b&gt;for maintenance&lt;/b&gt;" in home  # typed text is escaped
    assert "From the programme team" in client_for(UserFactory()).get(reverse("pages:home")).content.decode()

    Announcement.objects.filter(pk=announcement.pk).update(banner_until=timezone.localdate() - timedelta(days=1))
    from django.core.cache import cache

    cache.clear()
    assert "From the programme team" not in client_for(member).get(reverse("pages:home")).content.decode()


def test_a_draft_banner_does_not_show(staff: User, member: User, client_for: ClientFor) -> None:
    draft(staff, banner_until=timezone.localdate())
    assert "From the programme team" not in client_for(member).get(reverse("pages:home")).content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_uses_a_fixed_number_of_queries(
    rows: int, staff: User, client_for: ClientFor, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for number in range(rows):
        draft(staff, subject=f"News {number}")
    client = client_for(staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programme:announcement_list"))
    assert response.content.decode().count("programme/announcements/") >= min(rows, 20)


@pytest.mark.parametrize("who", ["member", "mentor", "outsider"])
def test_nobody_else_can_write_or_send(who: str, staff: User, request: pytest.FixtureRequest) -> None:
    from django.test import Client

    announcement = draft(staff)
    client = Client()
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("programme:announcement_create"), {"subject": "x", "body": "y"}).status_code == 404
    assert client.post(reverse("programme:announcement_send", kwargs={"pk": announcement.pk})).status_code == 404
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.DRAFT and Announcement.objects.count() == 1
