"""Permission matrix entries for the notifications app: the download of a file an email sent through GOV.UK Notify
links to. The signed link is the key (an attachment needs no sign-in either), so it opens for anyone who has it."""

from __future__ import annotations

from types import SimpleNamespace

from tests.matrix import Route, public


def build(world: SimpleNamespace) -> None:
    from notifications.email_files import email_file_link

    link = email_file_link(
        address=world.member.email, filename="meeting.ics", content=b"BEGIN:VCALENDAR\r\n", mimetype="text/calendar"
    )
    world.email_file_signed = link.rstrip("/").rsplit("/", 1)[-1]


ROUTES = [
    Route(
        "notifications:email_file", get=public(200), post=public(405), kwargs=lambda w: {"signed": w.email_file_signed}
    ),
]
