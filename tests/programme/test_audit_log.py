"""The audit log: staff changes made through the pages are recorded with who, when, before and after; the
programme team can search, filter and download the log; nobody can change or delete it through the service."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from ambassadors.models import Ambassador, Application, Cohort
from matching.models import BatchProposal, MatchingWeights
from tests.ambassadors.factories import AmbassadorFactory, ApplicationFactory, CohortFactory
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory, UserFactory, topic
from tests.forms import date_input
from tests.matching.factories import MentoringRequestFactory

pytestmark = pytest.mark.django_db


def entries_for(obj: object) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_pk=str(obj.pk),  # type: ignore[attr-defined]
        ).order_by("timestamp", "pk")
    )


def test_every_move_of_an_ambassador_application_is_kept_with_who_and_before_and_after(
    staff: User, client_for: ClientFor
) -> None:
    application = ApplicationFactory(status=Application.Status.SUBMITTED)
    client = client_for(staff)
    for to_status in (Application.Status.SHORTLISTED, Application.Status.INTERVIEW):
        response = client.post(
            reverse("ambassadors:review", args=[application.pk]), {"action": "move", "to_status": to_status}
        )
        assert response.status_code == 302

    moves = [entry for entry in entries_for(application) if entry.action == LogEntry.Action.UPDATE]
    assert [entry.changes["status"] for entry in moves] == [["submitted", "shortlisted"], ["shortlisted", "interview"]]
    assert {entry.actor for entry in moves} == {staff}


def test_a_mentor_vetting_decision_is_recorded(staff: User, client_for: ClientFor) -> None:
    profile = MentorProfileFactory(status="pending")
    response = client_for(staff).post(
        reverse("accounts:vetting_detail", kwargs={"profile_id": profile.pk}), {"decision": "approve"}
    )
    assert response.status_code == 302
    (entry,) = [entry for entry in entries_for(profile) if entry.action == LogEntry.Action.UPDATE]
    assert entry.actor == staff
    assert entry.changes["status"] == ["pending", "approved"]
    assert entry.changes["vetted_by"] == [None, "Sam Staff"]


def test_cohort_changes_and_a_stand_down_are_recorded(staff: User, client_for: ClientFor) -> None:
    client = client_for(staff)
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
    (created,) = entries_for(cohort)
    assert (created.action, created.actor, created.changes["capacity"]) == (LogEntry.Action.CREATE, staff, [None, 20])

    ambassador = AmbassadorFactory()
    response = client.post(reverse("ambassadors:stand_down", args=[ambassador.pk]), {"reason": "Moved abroad"})
    assert response.status_code == 302
    (stood_down,) = [entry for entry in entries_for(ambassador) if entry.action == LogEntry.Action.UPDATE]
    assert stood_down.actor == staff
    assert stood_down.changes["status"] == [Ambassador.Status.ACTIVE, Ambassador.Status.STOOD_DOWN]
    assert stood_down.changes["stood_down_reason"] == ["", "Moved abroad"]


def test_new_matching_weights_are_recorded(staff: User, client_for: ClientFor) -> None:
    weights = {
        "service_area": "0.2",
        "topics": "0.5",
        "region": "0.1",
        "stage": "0",
        "capacity": "0.2",
        "recent_stage": "0.1",
    }
    response = client_for(staff).post(
        reverse("matching:weights"), {**weights, "note": "More on topics", "action": "save"}
    )
    assert response.status_code == 302
    (entry,) = entries_for(MatchingWeights.objects.get())
    assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, staff)
    assert entry.changes["topics"] == [None, 0.5]
    assert entry.changes["note"] == [None, "More on topics"]


def test_a_batch_computed_by_the_worker_names_the_staff_member_who_asked(
    staff: User, mutual: object, django_capture_on_commit_callbacks, client_for: ClientFor
) -> None:  # type: ignore[no-untyped-def]
    MentoringRequestFactory(mutual=mutual, topics=[topic()])
    MentorProfileFactory(capacity=1, topics=[topic()])
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("matching:batch_create")).status_code == 302
    proposal = BatchProposal.objects.get()
    (created,) = entries_for(proposal)
    assert (created.action, created.actor) == (LogEntry.Action.CREATE, staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:batch_discard", kwargs={"pk": proposal.pk}), {"discard-confirm": "on"})
    assert response.status_code == 302
    discarded = [entry for entry in entries_for(proposal) if entry.action == LogEntry.Action.UPDATE]
    assert discarded and discarded[-1].changes["status"] == ["draft", "discarded"]
    assert discarded[-1].actor == staff


def test_a_programme_team_role_change_in_the_admin_is_recorded(client_for: ClientFor) -> None:
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True, is_programme_team=True)
    from tests.conftest import enable_mfa

    enable_mfa(admin)
    colleague = UserFactory(email="new.staff@example.org", full_name="New Staff")
    response = client_for(admin).post(
        reverse("admin:accounts_user_change", args=[colleague.pk]),
        {
            "email": colleague.email,
            "full_name": colleague.full_name,
            "is_programme_team": "on",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    (entry,) = [entry for entry in entries_for(colleague) if entry.action == LogEntry.Action.UPDATE]
    assert entry.actor == admin
    assert entry.changes == {"is_programme_team": [False, True]}


def test_downloads_of_reports_and_personal_data_are_recorded(staff: User, member: User, client_for: ClientFor) -> None:
    staff_client = client_for(staff)
    assert staff_client.get(reverse("programme:report_csv")).status_code == 200
    assert staff_client.get(reverse("ambassadors:reports_csv")).status_code == 200
    assert client_for(member).get(reverse("accounts:personal_data_download")).status_code == 200

    events = {
        (entry.additional_data["event"], entry.actor)
        for entry in LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    }
    assert events == {
        ("programme_report_export", staff),
        ("ambassador_report_export", staff),
        ("personal_data_export", member),
    }


def test_an_account_deletion_is_recorded_without_the_persons_name(outsider: User, client_for: ClientFor) -> None:
    pk = outsider.pk
    response = client_for(outsider).post(
        reverse("accounts:account_delete"), {"password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=pk).exists()
    (entry,) = LogEntry.objects.filter(additional_data__event="account_deleted")
    assert entry.object_repr == f"Account {pk}"
    # The entry written when the account was made no longer names them either (the right to erasure).
    assert not LogEntry.objects.filter(object_repr__icontains="charlie").exists()
    assert not LogEntry.objects.filter(actor_email__icontains="charlie").exists()
    assert LogEntry.objects.filter(object_repr=f"Account {pk} (deleted)").exists()


# --- The page ---------------------------------------------------------------------------------------------


def test_the_page_shows_who_did_what_with_before_and_after(staff: User, client_for: ClientFor) -> None:
    cohort = CohortFactory(name="Spring cohort", capacity=10)
    with set_actor(staff):
        cohort.capacity = 12
        cohort.save()

    page = client_for(staff).get(reverse("programme:audit_log")).content.decode()

    assert "Changed cohort Spring cohort" in page
    assert "Sam Staff" in page
    assert "Capacity" in page and "10" in page and "12" in page


@pytest.mark.parametrize("who", ["member", "mentor", "outsider"])
def test_nobody_outside_the_programme_team_sees_the_log(who: str, request: pytest.FixtureRequest) -> None:
    client = Client()
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("programme:audit_log")).status_code == 404
    assert client.get(reverse("programme:audit_log_csv")).status_code == 404
    assert not LogEntry.objects.filter(additional_data__event="audit_log_export").exists()


def test_filters_by_person_type_of_record_dates_and_words(staff: User, client_for: ClientFor) -> None:
    other = UserFactory(email="olu@example.org", full_name="Olu Other", is_programme_team=True)
    with set_actor(staff):
        CohortFactory(name="Sam's cohort")
    with set_actor(other):
        ApplicationFactory(organisation="Olu's org")
    old = LogEntry.objects.get(object_repr="Sam's cohort")
    LogEntry.objects.filter(pk=old.pk).update(timestamp=timezone.now() - timedelta(days=30))
    client = client_for(staff)
    url = reverse("programme:audit_log")

    def shown(**query: str) -> set[str]:
        rows = client.get(url, query).context["rows"]
        return {row.record for row in rows}

    assert "Sam's cohort" in shown(actor="sam@")
    assert "Sam's cohort" not in shown(actor="Olu")
    cohort_type = ContentType.objects.get_for_model(Cohort)
    assert all(row.record_type == "Cohort" for row in client.get(url, {"record_type": cohort_type.pk}).context["rows"])
    recent = timezone.localdate() - timedelta(days=2)
    assert "Sam's cohort" not in shown(**date_input("date_from", recent))
    assert "Sam's cohort" in shown(**date_input("date_to", recent))
    assert shown(q="Sam's cohort") == {"Sam's cohort"}

    bad = client.get(url, date_input("date_from", ("31", "31", "2026")))
    assert bad.status_code == 200
    assert "The first day must be a real date" in bad.content.decode() and bad.context["rows"] == []


def test_the_csv_has_every_filtered_entry_neutralises_formulas_and_is_itself_recorded(
    staff: User, client_for: ClientFor
) -> None:
    with set_actor(staff):
        CohortFactory(name='=HYPERLINK("http://evil.example","x")')
    response = client_for(staff).get(reverse("programme:audit_log_csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]
    assert rows[0][:2] == ["When (UTC)", "Who"]
    cohort_rows = [row for row in rows if row[4] == "Cohort"]
    assert cohort_rows and cohort_rows[0][5].startswith("'=HYPERLINK")
    assert cohort_rows[0][1] == "Sam Staff"
    assert LogEntry.objects.filter(additional_data__event="audit_log_export", actor=staff).exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_page_uses_a_fixed_number_of_queries(
    rows: int, staff: User, client_for: ClientFor, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    with set_actor(staff):
        for number in range(rows):
            CohortFactory(name=f"Cohort {number}")
    client = client_for(staff)
    cohorts = {"record_type": ContentType.objects.get_for_model(Cohort).pk}
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programme:audit_log"), cohorts)
    assert len(response.context["rows"]) == rows


def test_pages_of_fifty(staff: User, client_for: ClientFor) -> None:
    with set_actor(staff):
        for number in range(51):
            CohortFactory(name=f"Cohort {number}")
    client = client_for(staff)
    cohorts = {"record_type": ContentType.objects.get_for_model(Cohort).pk}
    assert len(client.get(reverse("programme:audit_log"), cohorts).context["rows"]) == 50
    assert len(client.get(reverse("programme:audit_log"), {**cohorts, "page": 2}).context["rows"]) == 1


def test_the_admin_cannot_change_or_delete_an_entry(client_for: ClientFor) -> None:
    from tests.conftest import enable_mfa

    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True, is_programme_team=True)
    enable_mfa(admin)
    with set_actor(admin):
        CohortFactory(name="Kept")
    entry = LogEntry.objects.get(object_repr="Kept")
    client = client_for(admin)
    assert client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk])).status_code == 200  # view only
    assert client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:auditlog_logentry_changelist"), {"action": "delete_selected", "_selected_action": [entry.pk]}
    )
    client.post(reverse("admin:auditlog_logentry_change", args=[entry.pk]), {"object_repr": "Changed"})
    entry.refresh_from_db()
    assert entry.object_repr == "Kept"
