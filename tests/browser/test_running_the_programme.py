"""Issue 14's "done when", in Chromium as a member of the programme team:

- an announcement from writing to delivery: write it, choose its audience, see the count and the sample, send it;
  a real Celery worker on Redis delivers it; the recipients have their notice, and their email unless they
  unsubscribed; the announcement's page shows the delivery counts;
- a bulk import of a 1,000-row CSV file: upload, preview with new, updated and invalid rows, correct, confirm, the
  counts shown; the same file again changes nothing;
- afterwards the audit log, on its page and in its CSV, shows what each of them changed.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import MentorProfile, User
from notifications.models import Notice, OutboundEmail
from notifications.rendering import unsubscribe_token
from programme.models import Announcement, ImportBatch
from tests.browser.conftest import assert_accessible, follow, login_as, visit
from tests.factories import MembershipFactory, MentorProfileFactory, region
from tests.programme.test_import import MENTORS, mentor_line
from tests.redis_worker import RedisWorker, wait_for

pytestmark = pytest.mark.browser

IMPORT_TIMEOUT_MS = 90_000


def _audit_csv(page: Page, **filters: str) -> list[dict[str, str]]:
    """The audit log's CSV export, fetched with the page's own session, as rows keyed by the header."""
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    response = page.request.get(f"{reverse('programme:audit_log_csv')}?{query}")
    assert response.status == 200 and response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text())))


def _audit_page(page: Page, **filters: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    visit(page, f"{reverse('programme:audit_log')}?{query}")
    return page.locator("main").inner_text()


@pytest.mark.redis
def test_an_announcement_from_writing_to_delivery_by_a_real_worker(
    celery_redis_worker: RedisWorker, context: BrowserContext, new_context: Any, staff: User, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ANNOUNCEMENT_BATCH_SIZE = 2  # three people: two batches, the worker queuing the second itself
    settings.ANNOUNCEMENT_BATCH_PAUSE_SECONDS = 0
    north_west = [
        MentorProfileFactory(user__full_name=name, user__email=f"{name.split()[0].lower()}@example.org").user
        for name in ("Ada North", "Ben North", "Cy North")
    ]
    unsubscribed = north_west[2]
    elsewhere = MentorProfileFactory(user__full_name="Dee South", region=region("london")).user
    member = MembershipFactory(user__full_name="Eve Member").user

    # Cy unsubscribed from the programme team's news with the link in an earlier email.
    visitor = new_context().new_page()
    visit(visitor, reverse("accounts:unsubscribe", kwargs={"token": unsubscribe_token(unsubscribed.pk, "programme")}))
    follow(visitor, visitor.get_by_role("button", name="Unsubscribe"))

    login_as(context, staff)
    page = context.new_page()
    visit(page, reverse("programme:announcement_create"))
    page.get_by_label("Subject").fill("Mentor briefing on 3 March")
    page.get_by_label("Message").fill("Join us online for the spring briefing.\nAgenda to follow.")
    page.get_by_label("Approved mentors").check()
    page.get_by_role("group", name="Regions").get_by_label("North West").check()
    follow(page, page.get_by_role("button", name="Preview who will get it"))

    # The preview: how many, and who.
    announcement = Announcement.objects.get()
    expect(page.get_by_role("heading", name="It would go to 3 people")).to_be_visible()
    sample = page.locator("main ul.govuk-list--bullet").inner_text()
    for person in north_west:
        assert person.email in sample
    assert elsewhere.email not in sample and member.email not in sample
    assert_accessible(page, "announcement preview")
    follow(page, page.get_by_role("button", name="Send to 3 people"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "“Mentor briefing on 3 March” is being sent to 3 people."
    )

    # The worker delivers it, in two batches, and sends the emails.
    wait_for(lambda: Announcement.objects.get(pk=announcement.pk).status == Announcement.Status.SENT)
    wait_for(lambda: OutboundEmail.objects.filter(event="announcement", status=OutboundEmail.Status.SENT).count() == 2)
    told = Notice.objects.filter(event="announcement").values_list("user_id", flat=True)
    assert sorted(told) == sorted(person.pk for person in north_west)
    emailed = sorted(address for message in mail.outbox for address in message.to if "briefing" in message.subject)
    assert emailed == sorted(person.email for person in north_west[:2])  # not Cy, who unsubscribed

    visit(page, reverse("programme:announcement_detail", kwargs={"pk": announcement.pk}))
    delivery = " ".join(page.locator("main dl.govuk-summary-list").inner_text().split())
    assert "People in the audience 3 " in delivery
    assert "Told so far (notice in the service) 3 " in delivery
    assert "Also emailed 2 " in delivery
    assert delivery.endswith("Not emailed: turned off news from the programme team 1")
    assert_accessible(page, "announcement delivered")

    # A recipient reads it among their notices.
    reader = new_context()
    login_as(reader, north_west[0])
    notices = reader.new_page()
    visit(notices, reverse("accounts:notice_list"))
    expect(notices.locator("main")).to_contain_text("Mentor briefing on 3 March")

    # The audit log shows the announcement written, sent by Sam, and finished by the worker.
    text = " ".join(_audit_page(page, q="Mentor briefing").split())
    assert "Created announcement Mentor briefing on 3 March" in text
    assert "Sam Staff" in text
    assert "Status draft → changed to sending" in text and "Status sending → changed to sent" in text
    rows = _audit_csv(page, q="Mentor briefing")
    changes = [(row["Who"], row["Action"], row["Changes"]) for row in rows]
    assert any(who == "Sam Staff" and action == "Created" for who, action, _ in changes)
    assert any(who == "Sam Staff" and "Status: draft -> sending" in change for who, _, change in changes)
    # The worker finished it: no one signed in.
    assert any(who.startswith("The service") and "Status: sending -> sent" in change for who, _, change in changes)


def test_a_thousand_row_import_then_the_same_file_again(context: BrowserContext, staff: User) -> None:
    known = [
        MentorProfileFactory(user__email=f"mentor.{number:05d}@example.org", user__full_name=f"Mentor {number}")
        for number in range(3)
    ]
    lines = [mentor_line(number) for number in range(1000)]
    lines[3] = mentor_line(3, region="atlantis")
    lines[4] = mentor_line(4, email="not-an-address")
    with_errors = (MENTORS + "".join(lines)).encode()
    corrected = (MENTORS + "".join(mentor_line(number) for number in range(1000))).encode()

    login_as(context, staff)
    page = context.new_page()

    def upload(content: bytes) -> None:
        visit(page, reverse("programme:import_upload"))
        page.get_by_label("Mentors").check()
        page.get_by_label("CSV file").set_input_files(
            {"name": "mentors.csv", "mimeType": "text/csv", "buffer": content}
        )
        follow(page, page.get_by_role("button", name="Check the file"))

    # A file with two bad rows: each shown with its reason, and nothing can be imported.
    upload(with_errors)
    counts = page.locator("main .app-counts").inner_text().replace("\n", " ")
    assert "995 new" in counts and "3 updated" in counts and "2 invalid" in counts
    expect(page.get_by_text("there is no region called “atlantis”")).to_be_visible()
    expect(page.get_by_role("button", name="Import")).to_have_count(0)
    assert_accessible(page, "import preview with invalid rows")

    # Corrected: 997 new and the 3 known mentors updated.
    upload(corrected)
    counts = page.locator("main .app-counts").inner_text().replace("\n", " ")
    assert "997 new" in counts and "3 updated" in counts and "0 invalid" in counts
    assert_accessible(page, "import preview of 1,000 rows")
    # One transaction writes 1,000 people, their profiles and audit entries, and 997 invitations; in these tests the
    # emails and the rematch that follow also run in the request (eager Celery), so it may take a while.
    with page.expect_navigation(wait_until="load", timeout=IMPORT_TIMEOUT_MS) as navigation:
        page.get_by_role("button", name="Import 1000 rows").click(no_wait_after=True)
    assert navigation.value is not None and navigation.value.status == 200
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Imported mentors: 997 new, 3 updated, 0 unchanged. 997 people were emailed an invitation"
    )
    expect(page.get_by_text("The uploaded file was deleted once it was imported.")).to_be_visible()
    assert MentorProfile.objects.filter(user__email__startswith="mentor.").count() == 1000
    batch = ImportBatch.objects.get(applied_at__isnull=False)
    assert batch.content == ""
    for profile in known:
        profile.refresh_from_db()
        assert profile.bio == "Led a spin-out."  # the file's words replaced the old ones

    # The same file again: every row unchanged, nothing to confirm.
    last_entry = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    upload(corrected)
    counts = page.locator("main .app-counts").inner_text().replace("\n", " ")
    assert "0 new" in counts and "0 updated" in counts and "1000 unchanged" in counts
    expect(page.get_by_text("Everything in this file is already in the service")).to_be_visible()
    expect(page.get_by_role("button", name="Import")).to_have_count(0)
    assert MentorProfile.objects.filter(user__email__startswith="mentor.").count() == 1000
    # Only the upload was recorded since: no record changed.
    since = set(LogEntry.objects.filter(pk__gt=last_entry).values_list("content_type__model", flat=True))
    assert since == {"importbatch"}

    # The audit log: the import (when, and its counts), each mentor it made, each one it changed.
    text = _audit_page(page, record_type=str(_content_type_id("importbatch")))
    assert "Changed import batch" in text and "Sam Staff" in text
    rows = _audit_csv(page, actor="sam@example.org")
    made = [row for row in rows if row["Type of record"] == "Mentor profile" and row["Action"] == "Created"]
    assert len(made) == 997
    imported = [row for row in rows if row["Type of record"] == "Import batch" and row["Action"] == "Changed"]
    assert len(imported) == 1 and "'new': 997" in imported[0]["Changes"]


def _content_type_id(model: str) -> int:
    from django.contrib.contenttypes.models import ContentType

    return int(ContentType.objects.get(app_label="programme", model=model).pk)
