"""Background work recorded in the same transaction as the change it follows (a transactional outbox).

A service that must have a task run after its change commits calls outbox.enqueue(task, *args) instead of
task.delay(): the row is written with the change, so the two commit or roll back together, and after commit the task
is handed to the broker and the row deleted. If the broker is down at that moment nothing fails and nothing is lost:
the row stays, and the dispatcher (every minute, from beat) hands it over when the broker is back.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PendingTask(models.Model):
    name = models.CharField(max_length=200, help_text="The Celery task's registered name.")
    args = models.JSONField(default=list, blank=True)
    not_before = models.DateTimeField(default=timezone.now, help_text="Run no earlier than this (a countdown).")
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.name}{tuple(self.args)}"
