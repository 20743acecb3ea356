"""Bulk import: each row previewed as new, updated, unchanged or invalid; confirmed in one transaction; new people
invited to claim their record; the same file twice changes nothing; bad files refused with a clear error."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import MentorProfile, Mutual, User
from ambassadors.models import Ambassador
from notifications.models import OutboundEmail
from programme.imports import reading
from programme.imports.applying import ImportNotAllowed, import_apply
from programme.models import ImportBatch
from tests.ambassadors.factories import CohortFactory
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db

MENTORS = "email,full_name,headline,bio,organisation,region,service_areas,topics\n"


def mentor_line(number: int, **overrides: str) -> str:
    values = {
        "email": f"mentor.{number:05d}@example.org",
        "full_name": f"Mentor {number}",
        "headline": "Former director of a care mutual",
        "bio": "Led a spin-out.",
        "organisation": "Care Co",
        "region": "north-west",
        "service_areas": "adult-social-care",
        "topics": "business-planning;Pensions",
        **overrides,
    }
    return ",".join(f'"{value}"' for value in values.values()) + "\n"


def upload(client, kind: str, content: bytes, name: str = "file.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("programme:import_upload"), {"kind": kind, "file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_preview_then_import_then_the_same_file_changes_nothing(staff: User, client_for: ClientFor) -> None:
    existing = MentorProfileFactory(user__email="known@example.org", user__full_name="Known Person", headline="Old")
    content = (
        MENTORS
        + mentor_line(1)
        + mentor_line(2, email="known@example.org", full_name="Known Person", headline="New headline")
        + mentor_line(3, region="atlantis")
        + mentor_line(4, headline='=HYPERLINK("x")')
    ).encode()
    client = client_for(staff)
    response = upload(client, "mentors", content)
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("programme:import_preview", kwargs={"pk": batch.pk})
    page = client.get(response["Location"]).content.decode()
    assert "there is no region called “atlantis”" in page
    assert "headline: starts with “=”" in page
    assert not User.objects.filter(email="mentor.00001@example.org").exists()  # nothing yet

    # An invalid row stops the whole file.
    client.post(reverse("programme:import_confirm", kwargs={"pk": batch.pk}))
    assert not User.objects.filter(email="mentor.00001@example.org").exists()

    fixed = (
        MENTORS
        + mentor_line(1)
        + mentor_line(2, email="known@example.org", full_name="Known Person", headline="New headline")
    ).encode()
    upload(client, "mentors", fixed)
    batch = ImportBatch.objects.latest("pk")
    preview = client.get(reverse("programme:import_preview", kwargs={"pk": batch.pk})).content.decode()
    assert "Updated: headline" in preview and "New" in preview
    response = client.post(reverse("programme:import_confirm", kwargs={"pk": batch.pk}), follow=True)
    assert "1 new, 1 updated, 0 unchanged. 1 people were emailed" in response.content.decode()
    new = MentorProfile.objects.get(user__email="mentor.00001@example.org")
    assert new.status == MentorProfile.Status.APPROVED and new.vetted_by == staff
    assert {topic.slug for topic in new.topics.all()} == {"business-planning", "pensions"}
    assert not new.user.has_usable_password()
    existing.refresh_from_db()
    assert existing.headline == "New headline"
    (invitation,) = OutboundEmail.objects.filter(event="record_claim_invitation")
    assert invitation.recipient == new.user
    # The claim link opens allauth's choose-a-password page.
    assert client_for(new.user).get(invitation.url, follow=True).status_code == 200

    # The same file again: every row unchanged, nothing to import, nobody emailed again.
    upload(client, "mentors", fixed)
    again = ImportBatch.objects.latest("pk")
    page = client.get(reverse("programme:import_preview", kwargs={"pk": again.pk})).content.decode()
    assert "importing it would change nothing" in page
    assert import_apply(kind="mentors", text=fixed.decode(), actor=staff) == {
        "new": 0,
        "updated": 0,
        "unchanged": 2,
        "invalid": 0,
        "invited": 0,
    }
    assert OutboundEmail.objects.filter(event="record_claim_invitation").count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,email\nx,y\n", "The first line must be exactly: email,full_name"),
        ("email,full_name\n".encode("utf-16"), "is not UTF-8 text"),
        (MENTORS.encode(), "no rows to import"),
        (b"", "The file is empty"),
    ],
)
def test_bad_files_are_refused_with_a_clear_error(
    staff: User, client_for: ClientFor, content: bytes, message: str
) -> None:
    response = upload(client_for(staff), "mentors", content)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not ImportBatch.objects.exists()


def test_limits_on_size_and_rows(staff: User, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(reading.ImportFileError, match="larger than 50 MB"):
        reading.decode(b"x" * (reading.MAX_BYTES + 1))
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    with pytest.raises(reading.ImportFileError, match="more than 3 rows"):
        reading.read("mentors", MENTORS + "".join(mentor_line(n) for n in range(4)))


def test_a_failure_half_way_imports_nothing(staff: User, monkeypatch: pytest.MonkeyPatch) -> None:
    from programme.imports import applying

    calls = {"n": 0}
    original = applying._mentor

    def fail_on_third(row, actor, invited):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the database went away")
        original(row, actor, invited)

    monkeypatch.setitem(applying.APPLY, "mentors", fail_on_third)
    with pytest.raises(RuntimeError):
        import_apply(kind="mentors", text=MENTORS + "".join(mentor_line(n) for n in range(5)), actor=staff)
    assert not User.objects.filter(email__startswith="mentor.").exists()


def test_mutuals_with_their_stage_and_ambassadors(staff: User) -> None:
    cohort = CohortFactory(name="2026 cohort")
    mutuals = (
        "name,stage,region,service_areas,contact_email,contact_name\n"
        "Riverside Care,developing,north-west,adult-social-care,rita@example.org,Rita River\n"
    )
    assert import_apply(kind="mutuals", text=mutuals, actor=staff)["new"] == 1
    mutual = Mutual.objects.get(name="Riverside Care")
    assert mutual.stage.slug == "developing"
    assert mutual.members.get().email == "rita@example.org"
    assert import_apply(kind="mutuals", text=mutuals, actor=staff)["unchanged"] == 1

    ambassadors = (
        "email,full_name,cohort,headline,organisation,region,service_areas,topics\n"
        f"ada@example.org,Ada Amb,{cohort.name},Chair,Fire Co,london,adult-social-care,pensions\n"
    )
    assert import_apply(kind="ambassadors", text=ambassadors, actor=staff)["new"] == 1
    ambassador = Ambassador.objects.get(user__email="ada@example.org")
    assert ambassador.cohort == cohort and ambassador.status == Ambassador.Status.ACTIVE
    assert import_apply(kind="ambassadors", text=ambassadors, actor=staff)["unchanged"] == 1


def test_a_thousand_rows(staff: User, client_for: ClientFor, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    content = (MENTORS + "".join(mentor_line(n) for n in range(1000))).encode()
    client = client_for(staff)
    upload(client, "mentors", content)
    batch = ImportBatch.objects.get()
    with django_assert_max_num_queries(30):  # the preview reads the file against the database in bulk
        page = client.get(reverse("programme:import_preview", kwargs={"pk": batch.pk})).content.decode()
    assert "<strong>1000</strong> new" in page
    client.post(reverse("programme:import_confirm", kwargs={"pk": batch.pk}))
    assert MentorProfile.objects.filter(user__email__startswith="mentor.").count() == 1000
    assert OutboundEmail.objects.filter(event="record_claim_invitation").count() == 1000
    assert reading.read("mentors", content.decode()).counts["unchanged"] == 1000


def test_the_command_does_the_same(staff: User, tmp_path: Path) -> None:
    path = tmp_path / "mentors.csv"
    path.write_text(MENTORS + mentor_line(1) + mentor_line(2))
    out = io.StringIO()
    call_command("import_records", "mentors", str(path), "--as", staff.email, "--dry-run", stdout=out)
    assert "2 new" in out.getvalue() and not User.objects.filter(email__startswith="mentor.").exists()
    call_command("import_records", "mentors", str(path), "--as", staff.email, stdout=out)
    assert User.objects.filter(email__startswith="mentor.").count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(MENTORS + mentor_line(3, region="atlantis"))
    with pytest.raises(CommandError, match="invalid"):
        call_command("import_records", "mentors", str(bad), "--as", staff.email, stdout=io.StringIO())
    with pytest.raises(CommandError, match="not a member of the programme team"):
        call_command("import_records", "mentors", str(path), "--as", "nobody@example.org", stdout=io.StringIO())


def test_nobody_else_can_import(member: User, client_for: ClientFor) -> None:
    response = upload(client_for(member), "mentors", (MENTORS + mentor_line(1)).encode())
    assert response.status_code == 404
    assert not ImportBatch.objects.exists()
    with pytest.raises(ImportNotAllowed):
        import_apply(kind="mentors", text=MENTORS + mentor_line(1, email="not-an-address"), actor=member)
