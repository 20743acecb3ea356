"""Demo data for the programme team's pages: a draft announcement, and a few things the demo staff member did, so
the audit log has history.

Run by `manage.py seed_demo` after every other app. Idempotent: once the demo staff member has an entry in the log,
nothing more is added.
"""

from __future__ import annotations

import random

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.management.base import OutputWrapper

from accounts import demo as accounts_demo
from accounts import services as account_services
from accounts.audit import audit_event
from accounts.models import SupportTopic, User
from matching import engine
from matching import services as matching_services
from programme.models import Announcement


def seed(*, rng: random.Random, size: int, stdout: OutputWrapper) -> None:
    staff = User.objects.get(email=accounts_demo.STAFF_EMAIL)
    # A draft announcement to preview and send (the worker delivers it), so the page is not empty.
    Announcement.objects.get_or_create(
        subject="Mentor meet-up in Leeds on 14 May",
        defaults={
            "body": "Join other mentors and the programme team for an afternoon of sharing what works.\n\n"
            "Reply to this email if you would like to come.",
            "roles": [Announcement.Role.MENTORS],
            "created_by": staff,
        },
    )
    if LogEntry.objects.filter(actor=staff).exists():
        stdout.write("programme: the audit log already has the demo staff member's actions.")
        return
    with set_actor(staff):
        # Real changes through the services, so the entries are what the pages would have written.
        matching_services.weights_save(
            user=staff, weights=engine.Weights(topics=0.4, service_area=0.25), note="Topics matter most to mutuals"
        )
        topic = SupportTopic.objects.order_by("order", "name").last()
        if topic is not None and topic.is_active:
            account_services.taxonomy_term_set_active(term=topic, active=False, changed_by=staff)
            account_services.taxonomy_term_set_active(term=topic, active=True, changed_by=staff)
        audit_event(actor=staff, event="programme_report_export")
    stdout.write("programme: recorded the demo staff member's first actions in the audit log.")
