"""What follows an import: the uploaded file is deleted once imported (and, never imported, after
IMPORT_FILE_RETENTION_DAYS by a daily task); imported mentors are ranked for open requests straight away, not at the
nightly rematch."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, ServiceArea, User
from matching.models import MatchRun, MentoringRequest, Suggestion
from matching.services.publishing import MENTOR_REFRESH_LIMIT
from outbox.models import PendingTask
from programme import tasks
from programme.imports.applying import import_apply
from programme.models import ImportBatch
from tests.clients import ClientFor
from tests.factories import MutualFactory
from tests.matching.factories import MentoringRequestFactory
from tests.programme.test_import import MENTORS, mentor_line, upload

pytestmark = pytest.mark.django_db

MUTUALS = "name,stage,region,service_areas,contact_email,contact_name\n"


def _queued(name: str) -> list[list[object]]:
    return [row.args for row in PendingTask.objects.filter(name=name)]


# --- The uploaded file is not kept -----------------------------------------------------------------------------


def test_importing_deletes_the_uploaded_file_and_the_page_still_shows_the_counts(
    staff: User, client_for: ClientFor
) -> None:
    client = client_for(staff)
    upload(client, "mentors", (MENTORS + mentor_line(1) + mentor_line(2)).encode())
    batch = ImportBatch.objects.get()
    assert "mentor.00001@example.org" in batch.content

    response = client.post(reverse("programme:import_confirm", kwargs={"pk": batch.pk}), follow=True)

    page = response.content.decode()
    assert "2 new, 0 updated, 0 unchanged" in page
    assert "The uploaded file was deleted once it was imported" in page
    assert "<strong>2</strong> new" in page
    batch.refresh_from_db()
    assert batch.content == "" and batch.applied_at is not None and batch.result["new"] == 2
    # Confirming again imports nothing and says so.
    again = client.post(reverse("programme:import_confirm", kwargs={"pk": batch.pk}), follow=True)
    assert "This file has already been imported." in again.content.decode()
    assert MentorProfile.objects.filter(user__email__startswith="mentor.").count() == 2


def test_the_daily_task_deletes_files_never_imported_after_the_retention_period(staff: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORT_FILE_RETENTION_DAYS = 7
    now = timezone.now()
    text = MENTORS + mentor_line(1)
    old = ImportBatch.objects.create(kind="mentors", content=text, created_by=staff, created_at=now - timedelta(days=8))
    recent = ImportBatch.objects.create(
        kind="mentors", content=text, created_by=staff, created_at=now - timedelta(days=6)
    )
    # An import applied before files were deleted on import still held its file.
    applied = ImportBatch.objects.create(
        kind="mentors", content=text, created_by=staff, created_at=now, applied_at=now, result={"new": 1}
    )

    assert tasks.purge_import_files() == 2
    assert not ImportBatch.objects.filter(pk=old.pk).exists()
    recent.refresh_from_db()
    assert recent.content == text  # still within its days: the person may yet confirm it
    applied.refresh_from_db()
    assert applied.content == "" and applied.result == {"new": 1}
    assert tasks.purge_import_files() == 0  # a second run deletes nothing


def test_the_privacy_notice_states_how_long_import_files_are_kept(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    # The notice reads the setting the task applies (pages/urls.py).
    days = settings.IMPORT_FILE_RETENTION_DAYS
    page = client.get(reverse("pages:privacy")).content.decode()
    assert f"deleted as soon as they are imported, and {days} days after upload if they are never imported" in page


def test_the_preview_says_when_a_file_never_imported_is_deleted(staff: User, client_for: ClientFor, settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORT_FILE_RETENTION_DAYS = 3
    client = client_for(staff)
    response = upload(client, "mentors", (MENTORS + mentor_line(1)).encode())
    page = client.get(response["Location"]).content.decode()
    assert "Files not imported are deleted 3 days after they were uploaded." in page


# --- Imported mentors are matched at once ----------------------------------------------------------------------


def test_an_imported_mentor_is_suggested_for_an_open_request_straight_away(
    staff: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    request = MentoringRequestFactory(
        mutual=MutualFactory(), service_area=ServiceArea.objects.get(slug="adult-social-care")
    )
    assert request.status == MentoringRequest.Status.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        import_apply(kind="mentors", text=MENTORS + mentor_line(1), actor=staff)

    profile = MentorProfile.objects.get(user__email="mentor.00001@example.org")
    assert Suggestion.objects.filter(request=request, mentor=profile, state=Suggestion.State.CURRENT).exists()


def test_a_few_imported_mentors_are_refreshed_one_by_one_after_commit(staff: User) -> None:
    import_apply(kind="mentors", text=MENTORS + mentor_line(1) + mentor_line(2), actor=staff)

    ids = sorted(MentorProfile.objects.filter(user__email__startswith="mentor.").values_list("pk", flat=True))
    assert sorted(args[0] for args in _queued("matching.tasks.refresh_mentor")) == ids  # type: ignore[type-var]
    assert not _queued("matching.tasks.rematch_full")


def test_many_imported_mentors_are_ranked_by_one_full_rematch(staff: User) -> None:
    lines = "".join(mentor_line(n) for n in range(MENTOR_REFRESH_LIMIT + 1))
    import_apply(kind="mentors", text=MENTORS + lines, actor=staff)

    (run,) = MatchRun.objects.filter(kind=MatchRun.Kind.FULL)
    assert _queued("matching.tasks.rematch_full") == [[run.pk]]
    assert not _queued("matching.tasks.refresh_mentor")


def test_an_updated_mutual_has_its_open_requests_re_ranked(staff: User) -> None:
    mutual = MutualFactory(name="Riverside Care")
    request = MentoringRequestFactory(mutual=mutual)
    closed = MentoringRequestFactory(mutual=mutual, status=MentoringRequest.Status.CLOSED)
    line = "Riverside Care,developing,london,adult-social-care,rita@example.org,Rita River\n"

    assert import_apply(kind="mutuals", text=MUTUALS + line, actor=staff)["updated"] == 1

    assert _queued("matching.tasks.refresh_request") == [[request.pk]]
    assert closed.pk not in [args[0] for args in _queued("matching.tasks.refresh_request")]


def test_an_import_that_changes_nothing_queues_nothing(staff: User) -> None:
    text = MENTORS + mentor_line(1)
    import_apply(kind="mentors", text=text, actor=staff)
    PendingTask.objects.all().delete()

    assert import_apply(kind="mentors", text=text, actor=staff)["unchanged"] == 1
    assert not PendingTask.objects.exists()
