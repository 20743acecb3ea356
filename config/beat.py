"""The periodic tasks beat sends (settings.CELERY_BEAT_SCHEDULE), in the service's time zone (Europe/London).

Every task here is safe to run twice: docs/operations.md says why for each, and a test fails on an entry without a
row there. One beat process sends them however many hosts run beat (celery-redbeat's lock, config/settings.py).
"""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "nightly-full-rematch": {
        "task": "matching.tasks.rematch_full",
        "schedule": crontab(hour=2, minute=15),
    },
    "recover-stale-match-runs": {
        "task": "matching.tasks.recover_stale_runs",
        "schedule": crontab(minute="*/2"),
    },
    "expire-unanswered-introductions": {
        "task": "matching.tasks.expire_introductions",
        "schedule": crontab(minute=5),
    },
    "open-due-surveys": {
        "task": "outcomes.tasks.open_due_surveys",
        "schedule": crontab(hour=8, minute=45),
    },
    "remind-unanswered-surveys": {
        "task": "outcomes.tasks.remind_unanswered_surveys",
        "schedule": crontab(hour=8, minute=55),
    },
    "remind-meetings": {
        "task": "messaging.tasks.remind_meetings",
        "schedule": crontab(minute=20),
    },
    "flag-relationships-without-first-meeting": {
        "task": "messaging.tasks.flag_relationships_without_first_meeting",
        "schedule": crontab(hour=8, minute=40),
    },
    "prompt-agreement-reviews": {
        "task": "messaging.tasks.prompt_agreement_reviews",
        "schedule": crontab(hour=8, minute=50),
    },
    "nudge-quiet-relationships": {
        "task": "messaging.tasks.nudge_quiet_relationships",
        "schedule": crontab(hour=8, minute=30),
    },
    "dispatch-pending-tasks": {
        "task": "outbox.tasks.dispatch_pending_tasks",
        "schedule": crontab(minute="*"),
    },
    "dispatch-pending-emails": {
        "task": "notifications.tasks.dispatch_pending_emails",
        "schedule": crontab(minute="*"),
    },
    "purge-old-notifications": {
        "task": "notifications.tasks.purge_old_notifications",
        "schedule": crontab(hour=3, minute=30),
    },
    "purge-expired-invitations": {
        "task": "accounts.tasks.purge_expired_invitations",
        "schedule": crontab(hour=3, minute=0),
    },
    "purge-import-files": {
        "task": "programme.tasks.purge_import_files",
        "schedule": crontab(hour=3, minute=50),
    },
    "purge-closed-enquiries": {
        "task": "information.tasks.purge_closed_enquiries",
        "schedule": crontab(hour=3, minute=45),
    },
}
