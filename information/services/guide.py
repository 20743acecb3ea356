"""The tasks under each step of the guide "How to set up a mutual". The steps themselves are the taxonomy's
stages with a guide_step (accounts/taxonomy.py), which this app does not change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from information.models import GuideTask
from information.services.common import InformationError

TASK_FIELDS = ("stage", "title", "description", "resource", "link_url", "order")


def _check(task: GuideTask) -> None:
    if task.stage.guide_step is None:
        raise InformationError("Choose one of the five steps of the guide.")
    if task.resource is not None and task.link_url:
        raise InformationError("Link the task to a guidance page or to another website, not both.")


@transaction.atomic
def guide_task_create(*, data: Mapping[str, Any]) -> GuideTask:
    task = GuideTask(**{name: data[name] for name in TASK_FIELDS if name in data})
    _check(task)
    task.save()
    return task


@transaction.atomic
def guide_task_update(*, task: GuideTask, data: Mapping[str, Any]) -> GuideTask:
    for name in TASK_FIELDS:
        if name in data:
            setattr(task, name, data[name])
    _check(task)
    task.save()
    return task


@transaction.atomic
def guide_task_delete(*, task: GuideTask) -> None:
    GuideTask.objects.filter(pk=task.pk).delete()
