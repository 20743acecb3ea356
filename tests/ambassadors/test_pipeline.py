"""Review by the programme team: transitions, capacity, bulk moves, events, notes and decision emails."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse

from accounts.models import User
from ambassadors import services
from ambassadors.models import Ambassador, Application, ApplicationEvent, Cohort, ReviewerNote
from ambassadors.services import TRANSITIONS, AmbassadorsError
from tests.ambassadors.factories import AmbassadorFactory, ApplicationFactory, CohortFactory
from tests.clients import ClientFor
from tests.conftest import skip_or_fail
from tests.factories import UserFactory
from tests.forms import date_input
from tests.notifications.outbox import send_pending, written

Status = Application.Status
ALL_PAIRS = [(start, end) for start in Status.values for end in Status.values if start != end]


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "end"), ALL_PAIRS)
def test_every_transition_is_allowed_or_refused_as_the_table_says(start: str, end: str, staff: User) -> None:
    application = ApplicationFactory(status=start)
    if end in TRANSITIONS[start]:
        services.application_move(application=application, to_status=end, actor=staff, note="moved")
        application.refresh_from_db()
        assert application.status == end
        event = ApplicationEvent.objects.get(application=application)
        assert (event.actor, event.from_status, event.to_status, event.note) == (staff, start, end, "moved")
    else:
        with pytest.raises(AmbassadorsError, match="cannot be moved to"):
            services.application_move(application=application, to_status=end, actor=staff)
        application.refresh_from_db()
        assert application.status == start
        assert not ApplicationEvent.objects.filter(application=application).exists()


def test_the_table_has_final_states_and_no_direct_appointment_from_submitted() -> None:
    assert TRANSITIONS[Status.APPOINTED] == TRANSITIONS[Status.NOT_APPOINTED] == TRANSITIONS[Status.WITHDRAWN] == set()
    assert Status.APPOINTED not in TRANSITIONS[Status.SUBMITTED]


@pytest.mark.django_db
def test_only_the_programme_team_can_move(outsider: User) -> None:
    application = ApplicationFactory(status=Status.SUBMITTED)
    with pytest.raises(AmbassadorsError):
        services.application_move(application=application, to_status=Status.SHORTLISTED, actor=outsider)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.django_db
def test_refused_move_in_the_review_page_shows_a_clear_message(staff: User, client_for: ClientFor) -> None:
    application = ApplicationFactory(status=Status.SUBMITTED)
    response = client_for(staff).post(
        reverse("ambassadors:review", args=[application.pk]), {"action": "move", "to_status": Status.APPOINTED}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.django_db
def test_appointment_creates_the_ambassador_and_records_the_move(
    staff: User, django_capture_on_commit_callbacks, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    application = ApplicationFactory(status=Status.INTERVIEW, engagements_per_quarter=4)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(staff).post(
            reverse("ambassadors:review", args=[application.pk]),
            {"action": "move", "to_status": Status.APPOINTED, "note": "Strong interview"},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.APPOINTED
    assert application.decided_at is not None
    ambassador = Ambassador.objects.get(user=application.applicant)
    assert ambassador.is_active and ambassador.cohort == application.cohort
    assert ambassador.application == application
    assert ambassador.engagements_per_quarter == 4
    assert list(ambassador.service_areas.all()) == list(application.service_areas.all())
    event = application.events.get()
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        staff,
        Status.INTERVIEW,
        Status.APPOINTED,
        "Strong interview",
    )
    # The decision email is enqueued after commit, and sent.
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [application.applicant.email]
    assert "appointed" in mail.outbox[0].subject


@pytest.mark.django_db
def test_appointing_beyond_capacity_is_refused(staff: User) -> None:
    cohort = CohortFactory(capacity=2)
    AmbassadorFactory.create_batch(2, cohort=cohort)
    application = ApplicationFactory(cohort=cohort, status=Status.SHORTLISTED)
    with pytest.raises(AmbassadorsError, match="is full: 2 of 2"):
        services.application_move(application=application, to_status=Status.APPOINTED, actor=staff)
    application.refresh_from_db()
    assert application.status == Status.SHORTLISTED
    assert not Ambassador.objects.filter(user=application.applicant).exists()
    assert not application.events.exists()


@pytest.mark.django_db
def test_a_stood_down_ambassador_frees_a_place(staff: User) -> None:
    cohort = CohortFactory(capacity=1)
    AmbassadorFactory(cohort=cohort, status=Ambassador.Status.STOOD_DOWN)
    application = ApplicationFactory(cohort=cohort, status=Status.SHORTLISTED)
    services.application_move(application=application, to_status=Status.APPOINTED, actor=staff)
    assert Ambassador.objects.filter(cohort=cohort, status=Ambassador.Status.ACTIVE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_appointments_to_the_last_place_appoint_one() -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("the cohort row lock needs PostgreSQL (set DATABASE_URL to a PostgreSQL database)")
    staff = UserFactory(is_programme_team=True)
    cohort = CohortFactory(capacity=1)
    applications = [ApplicationFactory(cohort=cohort, status=Status.SHORTLISTED) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def appoint(application: Application) -> None:
        try:
            barrier.wait(timeout=10)
            services.application_move(application=application, to_status=Status.APPOINTED, actor=staff)
            outcomes.append("appointed")
        except AmbassadorsError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=appoint, args=(application,)) for application in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["appointed", "refused"]
    assert Ambassador.objects.filter(cohort=cohort, status=Ambassador.Status.ACTIVE).count() == 1
    assert Application.objects.filter(cohort=cohort, status=Status.APPOINTED).count() == 1


@pytest.mark.django_db
def test_bulk_move_checks_each_application(staff: User, client_for: ClientFor) -> None:
    cohort = CohortFactory(capacity=1)
    submitted = ApplicationFactory.create_batch(2, cohort=cohort, status=Status.SUBMITTED)
    already_final = ApplicationFactory(cohort=cohort, status=Status.WITHDRAWN)
    response = client_for(staff).post(
        reverse("ambassadors:pipeline"),
        {
            "applications": [a.pk for a in [*submitted, already_final]],
            "to_status": Status.SHORTLISTED,
            "note": "First sift",
        },
        follow=True,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Moved 2 application(s)." in content
    assert "cannot be moved to shortlisted" in content
    for application in submitted:
        application.refresh_from_db()
        assert application.status == Status.SHORTLISTED
        assert application.events.get().note == "First sift"
    already_final.refresh_from_db()
    assert already_final.status == Status.WITHDRAWN


@pytest.mark.django_db
def test_bulk_appointment_stops_at_capacity(staff: User) -> None:
    cohort = CohortFactory(capacity=2)
    applications = ApplicationFactory.create_batch(3, cohort=cohort, status=Status.INTERVIEW)
    result = services.applications_move_bulk(applications=applications, to_status=Status.APPOINTED, actor=staff)
    assert len(result.moved) == 2
    assert len(result.refused) == 1
    assert "is full" in result.refused[0][1]
    assert Application.objects.filter(cohort=cohort, status=Status.APPOINTED).count() == 2


@pytest.mark.django_db
def test_bulk_move_without_a_selection_shows_an_error(staff: User, client_for: ClientFor) -> None:
    application = ApplicationFactory(status=Status.SUBMITTED)
    response = client_for(staff).post(reverse("ambassadors:pipeline"), {"to_status": Status.SHORTLISTED})
    assert response.status_code == 200
    assert "Select at least one application" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.django_db
def test_bulk_move_with_a_bad_id_changes_nothing(staff: User, client_for: ClientFor) -> None:
    application = ApplicationFactory(status=Status.SUBMITTED)
    response = client_for(staff).post(
        reverse("ambassadors:pipeline"), {"applications": [application.pk, "nonsense"], "to_status": "shortlisted"}
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.django_db
def test_pipeline_filters(staff: User, client_for: ClientFor) -> None:
    cohort = CohortFactory(name="Filter cohort")
    wanted = ApplicationFactory(cohort=cohort, status=Status.INTERVIEW, applicant__full_name="Wanted Person")
    ApplicationFactory(cohort=cohort, status=Status.SUBMITTED, applicant__full_name="Other Person")
    ApplicationFactory(status=Status.INTERVIEW, applicant__full_name="Elsewhere Person")
    response = client_for(staff).get(
        reverse("ambassadors:pipeline"), {"cohort": cohort.pk, "status": Status.INTERVIEW, "q": "wanted"}
    )
    content = response.content.decode()
    assert "Wanted Person" in content
    assert "Other Person" not in content and "Elsewhere Person" not in content
    assert wanted.pk


@pytest.mark.django_db
def test_reviewer_notes_and_move_notes_are_never_shown_to_the_applicant(
    staff: User,
    member: User,
    django_capture_on_commit_callbacks,
    client_for: ClientFor,  # type: ignore[no-untyped-def]
) -> None:
    application = ApplicationFactory(applicant=member, status=Status.SUBMITTED)
    staff_client = client_for(staff)
    staff_client.post(
        reverse("ambassadors:review", args=[application.pk]), {"action": "note", "text": "SECRET-NOTE weak answers"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("ambassadors:review", args=[application.pk]),
            {"action": "move", "to_status": Status.NOT_APPOINTED, "note": "SECRET-MOVE-NOTE"},
        )
    assert ReviewerNote.objects.filter(application=application).count() == 1
    staff_page = staff_client.get(reverse("ambassadors:review", args=[application.pk])).content.decode()
    assert "SECRET-NOTE" in staff_page and "SECRET-MOVE-NOTE" in staff_page
    applicant = client_for(member)
    pages = [
        applicant.get(reverse("ambassadors:application_detail", args=[application.pk])),
        applicant.get(reverse("ambassadors:my_applications")),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "SECRET" not in page.content.decode()
    assert "Not appointed" in pages[0].content.decode()
    # Nor in the decision email.
    assert mail.outbox and all("SECRET" not in message.body for message in mail.outbox)
    # And the applicant cannot reach the review page.
    assert applicant.get(reverse("ambassadors:review", args=[application.pk])).status_code == 404


@pytest.mark.django_db
def test_a_decision_is_emailed_once_after_commit(staff: User, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    application = ApplicationFactory(status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_move(application=application, to_status=Status.NOT_APPOINTED, actor=staff)
    # Nothing is sent until the transaction commits.
    assert len(callbacks) == 1
    assert mail.outbox == []
    callbacks[0]()
    [message] = mail.outbox
    assert message.to == [application.applicant.email]
    assert message.subject == "Your ambassador application"
    assert "you have not been appointed this time" in message.body
    # The task run again (a redelivery) sends nothing more.
    assert send_pending() == []


@pytest.mark.django_db
def test_moves_that_are_not_decisions_are_a_notice_not_an_email(
    staff: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    application = ApplicationFactory(status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.application_move(application=application, to_status=Status.SHORTLISTED, actor=staff)
    assert callbacks == []
    assert mail.outbox == []
    assert written("application_moved") == []
    [notice] = application.applicant.notices.all()
    assert notice.text == "Your ambassador application is now: shortlisted."


@pytest.mark.django_db
def test_cohort_capacity_cannot_go_below_the_appointed(staff: User) -> None:
    cohort = CohortFactory(capacity=3)
    AmbassadorFactory.create_batch(2, cohort=cohort)
    with pytest.raises(AmbassadorsError):
        services.cohort_save(actor=staff, cohort=cohort, capacity=1)
    cohort.refresh_from_db()
    assert cohort.capacity == 3


@pytest.mark.django_db
def test_staff_create_a_cohort_and_bad_dates_are_refused(staff: User, client_for: ClientFor) -> None:
    client = client_for(staff)
    response = client.post(
        reverse("ambassadors:cohort_create"),
        {
            "name": "2027 cohort",
            **date_input("starts_on", date(2027, 4, 1)),
            **date_input("ends_on", date(2027, 1, 1)),
            "capacity": "20",
        },
    )
    assert response.status_code == 200
    assert "The end date must be the same as or after the start date" in response.content.decode()
    assert not Cohort.objects.filter(name="2027 cohort").exists()
    response = client.post(
        reverse("ambassadors:cohort_create"),
        {
            "name": "2027 cohort",
            **date_input("starts_on", date(2027, 4, 1)),
            **date_input("ends_on", date(2028, 3, 31)),
            "capacity": "20",
        },
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(name="2027 cohort")
    assert cohort.capacity == 20 and not cohort.is_open_for_applications()


@pytest.mark.django_db
def test_bulk_move_needs_a_csrf_token(staff: User, client_for: ClientFor) -> None:
    application = ApplicationFactory(status=Status.SUBMITTED)
    client = client_for(staff, enforce_csrf_checks=True)
    response = client.post(
        reverse("ambassadors:pipeline"), {"applications": [application.pk], "to_status": Status.SHORTLISTED}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.django_db
def test_the_confirmation_names_the_status_just_reached(staff: User, client_for) -> None:  # type: ignore[no-untyped-def]
    """Issue 17, finding 8: moving to shortlisted said "Moved to submitted."."""
    application = ApplicationFactory(status=Status.SUBMITTED)
    response = client_for(staff).post(
        reverse("ambassadors:review", args=[application.pk]),
        {"action": "move", "to_status": "shortlisted"},
        follow=True,
    )
    assert "Moved to shortlisted." in response.content.decode()
    assert "Moved to submitted" not in response.content.decode()
