"""Applying, withdrawing and nominating; who can see which application."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from ambassadors import services
from ambassadors.models import Application, ApplicationEvent, Cohort, Nomination
from ambassadors.services import AmbassadorsError
from notifications.tasks import send_email
from tests.ambassadors.factories import ApplicationFactory, CohortFactory, NominationFactory
from tests.clients import ClientFor
from tests.factories import UserFactory, region, service_area, topic
from tests.notifications.outbox import written

Status = Application.Status


def _application_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "organisation": "Director, Riverside Care Mutual",
        "motivation": "I have led a spin-out and want to help others.",
        "experience": "Twelve years in adult social care.",
        "service_areas": [service_area("adult-social-care").pk, service_area("fire-and-rescue").pk],
        "region": region("north-west").pk,
        "topics": [topic("tupe-and-employment").pk],
        "time_commitment": Application.TimeCommitment.MONTHLY,
        "engagements_per_quarter": "3",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_apply_to_an_open_cohort(outsider: User, cohort: Cohort, client_for: ClientFor) -> None:
    response = client_for(outsider).post(
        reverse("ambassadors:application_create", args=[cohort.pk]), _application_data()
    )
    application = Application.objects.get(applicant=outsider)
    assert response.status_code == 302
    assert response["Location"] == reverse("ambassadors:application_detail", args=[application.pk])
    assert application.status == Status.SUBMITTED
    assert application.engagements_per_quarter == 3
    assert application.service_areas.count() == 2
    event = ApplicationEvent.objects.get(application=application)
    assert (event.actor, event.from_status, event.to_status) == (outsider, "", Status.SUBMITTED)


@pytest.mark.django_db
def test_a_closed_cohort_is_not_found(outsider: User, client_for: ClientFor) -> None:
    closed = CohortFactory(applications_close_at=timezone.now() - timedelta(minutes=1))
    never_opened = CohortFactory(applications_open_at=None)
    client = client_for(outsider)
    for cohort in (closed, never_opened):
        url = reverse("ambassadors:application_create", args=[cohort.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, _application_data()).status_code == 404
    assert not Application.objects.exists()
    assert "Applications are closed" in client.get(reverse("ambassadors:apply_start")).content.decode()


@pytest.mark.django_db
def test_one_live_application_per_person_per_cohort(outsider: User, cohort: Cohort, client_for: ClientFor) -> None:
    client = client_for(outsider)
    url = reverse("ambassadors:application_create", args=[cohort.pk])
    client.post(url, _application_data())
    response = client.post(url, _application_data())
    assert response.status_code == 200
    assert "You already have an application for 2026 cohort" in response.content.decode()
    assert Application.objects.filter(applicant=outsider).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_live_application(outsider: User, cohort: Cohort) -> None:
    ApplicationFactory(cohort=cohort, applicant=outsider, status=Status.INTERVIEW)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(cohort=cohort, applicant=outsider, status=Status.SUBMITTED)
    # Withdrawn and not appointed applications do not count: the person may apply again.
    Application.objects.filter(applicant=outsider).update(status=Status.WITHDRAWN)
    ApplicationFactory(cohort=cohort, applicant=outsider, status=Status.SUBMITTED)
    ApplicationFactory(cohort=CohortFactory(), applicant=outsider, status=Status.SUBMITTED)
    assert Application.objects.filter(applicant=outsider).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"motivation": ""}, "Tell us why you would be a good ambassador"),
        ({"service_areas": []}, "Select at least one service area"),
        ({"region": "999999"}, "Select an answer to “Which region are you based in?” from the list"),
        ({"topics": ["not-a-number"]}, "Select an answer to “Which topics could you speak about?” from the list"),
        ({"engagements_per_quarter": "0"}, "Enter a number between 1 and 12"),
        ({"engagements_per_quarter": "lots"}, "Enter a number between 1 and 12"),
        (
            {"motivation": "x" * 4001},
            "Your answer to “Why would you be a good ambassador?” must be 4000 characters or fewer",
        ),
        ({"time_commitment": "always"}, "Select an answer to “How much time can you give?” from the list"),
    ],
)
def test_bad_input_is_refused_with_an_error_summary(
    outsider: User, cohort: Cohort, overrides: dict[str, object], message: str, client_for: ClientFor
) -> None:
    response = client_for(outsider).post(
        reverse("ambassadors:application_create", args=[cohort.pk]), _application_data(**overrides)
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert message in content
    assert "<title>Error: " in content
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_html_is_stored_as_text_and_shown_escaped(outsider: User, cohort: Cohort, client_for: ClientFor) -> None:
    payload = "<script>alert('x')</script> Ünïcødé ✓"
    client = client_for(outsider)
    client.post(reverse("ambassadors:application_create", args=[cohort.pk]), _application_data(motivation=payload))
    application = Application.objects.get(applicant=outsider)
    assert application.motivation == payload
    content = client.get(reverse("ambassadors:application_detail", args=[application.pk])).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Ünïcødé ✓" in content


@pytest.mark.django_db
def test_applicants_see_only_their_own_application(
    member: User, outsider: User, staff: User, client_for: ClientFor
) -> None:
    application = ApplicationFactory(applicant=member)
    missing = application.pk + 1000
    for user in (outsider, staff):
        client = client_for(user)
        for name in ("ambassadors:application_detail", "ambassadors:application_withdraw"):
            assert client.get(reverse(name, args=[application.pk])).status_code == 404
            assert client.get(reverse(name, args=[missing])).status_code == 404
        assert client.post(reverse("ambassadors:application_withdraw", args=[application.pk])).status_code == 404
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    own = client_for(member).get(reverse("ambassadors:my_applications")).content.decode()
    assert str(application.cohort) in own
    assert (
        str(application.cohort) not in client_for(outsider).get(reverse("ambassadors:my_applications")).content.decode()
    )


@pytest.mark.django_db
def test_applicant_withdraws(member: User, client_for: ClientFor) -> None:
    application = ApplicationFactory(applicant=member, status=Status.SHORTLISTED)
    response = client_for(member).post(reverse("ambassadors:application_withdraw", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    event = application.events.get()
    assert (event.actor, event.from_status, event.to_status) == (member, Status.SHORTLISTED, Status.WITHDRAWN)


@pytest.mark.django_db
def test_a_decided_application_cannot_be_withdrawn(member: User, client_for: ClientFor) -> None:
    application = ApplicationFactory(applicant=member, status=Status.APPOINTED)
    response = client_for(member).post(reverse("ambassadors:application_withdraw", args=[application.pk]))
    assert response.status_code == 200
    assert "cannot be withdrawn" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.APPOINTED


@pytest.mark.django_db
def test_withdraw_needs_a_csrf_token(member: User, client_for: ClientFor) -> None:
    application = ApplicationFactory(applicant=member)
    client = client_for(member, enforce_csrf_checks=True)
    response = client.post(reverse("ambassadors:application_withdraw", args=[application.pk]))
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    # GET shows the confirmation page and changes nothing.
    assert client.get(reverse("ambassadors:application_withdraw", args=[application.pk])).status_code == 200
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.django_db
def test_apply_needs_a_csrf_token(outsider: User, cohort: Cohort, client_for: ClientFor) -> None:
    client = client_for(outsider, enforce_csrf_checks=True)
    response = client.post(reverse("ambassadors:application_create", args=[cohort.pk]), _application_data())
    assert response.status_code == 403
    assert not Application.objects.exists()


# --- Nominations ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nomination_flow_for_someone_without_an_account(
    member: User,
    cohort: Cohort,
    django_capture_on_commit_callbacks,
    client_for: ClientFor,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(member).post(
            reverse("ambassadors:nominate", args=[cohort.pk]),
            {"nominee_name": "Nina Newcomer", "nominee_email": "Nina@Example.org", "reason": "Ran a fire mutual."},
        )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.nominee_email == "nina@example.org"
    assert nomination.nominated_by == member
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina@example.org"]
    link = reverse("ambassadors:nomination_accept", args=[nomination.token])
    assert link in message.body
    assert "Ran a fire mutual." in message.body

    # Nina signs up and follows the link.
    nina = UserFactory(email="nina@example.org")
    client = client_for(nina)
    page = client.get(link)
    assert page.status_code == 200
    assert "nominated you" in page.content.decode()
    response = client.post(link, _application_data())
    assert response.status_code == 302
    application = Application.objects.get(applicant=nina)
    assert application.nomination == nomination
    assert application.cohort == cohort
    nomination.refresh_from_db()
    assert nomination.completed_at is not None
    # The link is used up.
    assert client.get(link).status_code == 404
    assert "they have applied" in client_for(member).get(reverse("ambassadors:my_applications")).content.decode()


@pytest.mark.django_db
def test_a_nominee_with_an_account_sees_the_nomination_on_sign_in(outsider: User, cohort: Cohort) -> None:
    nomination = NominationFactory(cohort=cohort, nominee_email=outsider.email.upper())
    client = Client()
    response = client.post(
        reverse("account_login"),
        {"login": outsider.email, "password": "correct-horse-battery-staple"},
        follow=True,
    )
    assert response.status_code == 200
    assert "You have been nominated as an ambassador" in response.content.decode()
    page = client.get(reverse("ambassadors:my_applications")).content.decode()
    assert reverse("ambassadors:nomination_accept", args=[nomination.token]) in page


@pytest.mark.django_db
def test_a_nomination_emails_the_nominee_once(member: User, cohort: Cohort) -> None:
    nomination = services.nomination_create(
        cohort=cohort,
        nominated_by=member,
        nominee_name="Nina Nominee",
        nominee_email="nina@example.org",
        reason="She led the spin-out of <her> team's service.",
    )
    [email] = written("nomination_sent")
    assert email.to_address == "nina@example.org"
    assert send_email(email.pk) is True
    assert send_email(email.pk) is False  # a second delivery of the task sends nothing
    [message] = mail.outbox
    assert message.to == ["nina@example.org"]
    assert message.subject == "You have been nominated as a mutuals ambassador"
    assert "Hello Nina Nominee," in message.body
    assert "She led the spin-out of <her> team's service." in message.body
    assert reverse("ambassadors:nomination_accept", args=[nomination.token]) in message.body


@pytest.mark.django_db
def test_nomination_email_is_enqueued_only_after_commit(
    member: User,
    cohort: Cohort,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.nomination_create(
            cohort=cohort, nominated_by=member, nominee_name="Nina", nominee_email="nina@example.org", reason="Great"
        )
    assert len(callbacks) == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_self_nomination_and_duplicates_are_refused(member: User, cohort: Cohort, client_for: ClientFor) -> None:
    client = client_for(member)
    url = reverse("ambassadors:nominate", args=[cohort.pk])
    response = client.post(url, {"nominee_name": "Me", "nominee_email": member.email, "reason": "I am great"})
    assert response.status_code == 200
    assert "You cannot nominate yourself" in response.content.decode()
    client.post(url, {"nominee_name": "Nina", "nominee_email": "nina@example.org", "reason": "Great"})
    response = client.post(url, {"nominee_name": "Nina", "nominee_email": "NINA@example.org", "reason": "Again"})
    assert "has already been nominated" in response.content.decode()
    assert Nomination.objects.count() == 1


@pytest.mark.django_db
def test_a_used_nomination_cannot_be_used_again(outsider: User, cohort: Cohort) -> None:
    nomination = NominationFactory(cohort=cohort, nominee_email=outsider.email)
    application = services.application_submit(
        cohort=cohort,
        applicant=outsider,
        nomination=nomination,
        **_submit_kwargs(),
    )
    assert application.nomination == nomination
    with pytest.raises(AmbassadorsError, match="already been used"):
        services.application_submit(
            cohort=cohort,
            applicant=outsider,
            nomination=nomination,
            **_submit_kwargs(),
        )


@pytest.mark.django_db
def test_a_forwarded_nomination_link_does_not_work_for_someone_else(
    outsider: User, member: User, cohort: Cohort, client_for: ClientFor
) -> None:
    nomination = NominationFactory(cohort=cohort, nominated_by=member, nominee_email="nina@example.org")
    link = reverse("ambassadors:nomination_accept", args=[nomination.token])
    client = client_for(outsider)

    page = client.get(link)
    posted = client.post(link, _application_data())

    text = page.content.decode()
    assert page.status_code == 200
    assert "sent to a different email address" in text
    assert "n\u2022\u2022\u2022@example.org" in text and "nina@example.org" not in text
    assert nomination.reason not in text  # what the nominator wrote is for the nominee
    assert reverse("ambassadors:application_create", args=[cohort.pk]) in text
    assert posted.status_code == 200 and "sent to a different email address" in posted.content.decode()
    assert not Application.objects.filter(applicant=outsider).exists()
    nomination.refresh_from_db()
    assert nomination.completed_at is None
    # The service refuses it too, whatever calls it.
    with pytest.raises(AmbassadorsError, match="different email address"):
        services.application_submit(cohort=cohort, applicant=outsider, nomination=nomination, **_submit_kwargs())
    # The nominee, signed in with the address (in any case), can still use it.
    nina = UserFactory(email="Nina@Example.org")
    assert "nominated you" in client_for(nina).get(link).content.decode()


def _submit_kwargs() -> dict[str, object]:
    return {
        "organisation": "Org",
        "motivation": "M",
        "experience": "E",
        "service_areas": [service_area()],
        "region": region(),
        "topics": [topic()],
        "time_commitment": Application.TimeCommitment.MONTHLY,
        "engagements_per_quarter": 2,
    }


@pytest.mark.django_db
def test_one_person_can_nominate_only_so_many_people_a_day(member: User, cohort: Cohort, client_for) -> None:  # type: ignore[no-untyped-def]
    """Issue 17, finding 9: any account could make the service email any number of addresses."""
    for number in range(services.NOMINATIONS_PER_DAY):
        services.nomination_create(
            cohort=cohort,
            nominated_by=member,
            nominee_name=f"N{number}",
            nominee_email=f"n{number}@x.example",
            reason="r",
        )
    response = client_for(member).post(
        reverse("ambassadors:nominate", args=[cohort.pk]),
        {"nominee_name": "One More", "nominee_email": "one.more@x.example", "reason": "Great at TUPE."},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "You have nominated 5 people in the last 24 hours" in page
    assert 'value="one.more@x.example"' in page  # what they typed is kept
    assert not Nomination.objects.filter(nominee_email="one.more@x.example").exists()
