"""Permission matrix entries for the programme app: every page is the programme team's alone (404 for others).

"Try again" on a failed email redirects staff back to the list; for everyone else it is a 404, as for an email that
does not exist.
"""

from __future__ import annotations

from types import SimpleNamespace

from notifications.models import OutboundEmail
from programme.models import Announcement, ImportBatch
from tests.matrix import LOGIN, REDIRECT, Route, expect, public


def build(world: SimpleNamespace) -> None:
    # An import with an invalid row: "Import" refuses it (and redirects back), so the matrix imports nothing.
    world.import_batch = ImportBatch.objects.create(
        kind="mentors",
        filename="mentors.csv",
        content="email,full_name,headline,bio,organisation,region,service_areas,topics\nnot-an-address,,,,,,,\n",
    )
    # A draft to nobody: "Send" refuses it (and redirects back), so the matrix sends nothing.
    world.announcement = Announcement.objects.create(
        subject="Matrix announcement", body="Hello", roles=["ambassadors"], relationship_status="active"
    )
    world.failed_email = OutboundEmail.objects.create(
        event="account_reinstated",
        recipient=world.member,
        params={"note": "The report was a mistake."},
        url="/dashboard/",
        status=OutboundEmail.Status.FAILED,
        attempts=7,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )


STAFF_ONLY = expect(404, anonymous=LOGIN, staff=200)

ROUTES = [
    # The public forward look and its open data: anyone may read them, nobody may post to them.
    Route("forward_look:page", get=public(), post=expect(405)),
    Route("forward_look:counts_csv", get=public(), post=expect(405)),
    Route("forward_look:mutuals_csv", get=public(), post=expect(405)),
    Route("forward_look:data_json", get=public(), post=expect(405)),
    Route("programme:dashboard", get=STAFF_ONLY, post=expect(404, anonymous=LOGIN, staff=405)),
    Route("programme:report", get=STAFF_ONLY),
    Route("programme:report_csv", get=STAFF_ONLY),
    Route("programme:pipeline", get=STAFF_ONLY, post=expect(404, anonymous=LOGIN, staff=405)),
    Route(
        "programme:pipeline_mutual",
        get=STAFF_ONLY,
        # An empty POST re-shows the form with its error (200) for staff.
        post=STAFF_ONLY,
        kwargs=lambda w: {"slug": w.other_mutual.slug},
    ),
    Route("programme:failed_emails", get=STAFF_ONLY, post=expect(404, anonymous=LOGIN, staff=405)),
    Route("programme:audit_log", get=STAFF_ONLY, post=expect(404, anonymous=LOGIN, staff=405)),
    Route("programme:audit_log_csv", get=STAFF_ONLY),
    Route("programme:announcement_list", get=STAFF_ONLY, post=expect(404, anonymous=LOGIN, staff=405)),
    Route("programme:announcement_create", get=STAFF_ONLY, post=expect(404, anonymous=LOGIN, staff=200)),
    Route(
        "programme:announcement_detail",
        get=STAFF_ONLY,
        post=expect(404, anonymous=LOGIN, staff=405),
        kwargs=lambda w: {"pk": w.announcement.pk},
    ),
    Route(
        "programme:announcement_send",
        get=None,
        post=expect(404, anonymous=LOGIN, staff=REDIRECT),
        kwargs=lambda w: {"pk": w.announcement.pk},
    ),
    Route("programme:import_upload", get=STAFF_ONLY, post=expect(404, anonymous=LOGIN, staff=200)),
    Route(
        "programme:import_preview",
        get=STAFF_ONLY,
        post=expect(404, anonymous=LOGIN, staff=405),
        kwargs=lambda w: {"pk": w.import_batch.pk},
    ),
    Route(
        "programme:import_confirm",
        get=None,
        post=expect(404, anonymous=LOGIN, staff=REDIRECT),
        kwargs=lambda w: {"pk": w.import_batch.pk},
    ),
    Route(
        "programme:email_retry",
        get=None,
        post=expect(404, anonymous=LOGIN, staff=REDIRECT),
        kwargs=lambda w: {"pk": w.failed_email.pk},
    ),
]
