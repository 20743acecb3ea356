"""Celery application. All configuration lives in settings.py under the CELERY_ prefix."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _name_redbeat_settings(sender: Celery, **kwargs: object) -> None:
    # celery-redbeat 2.4 tells whether a setting is present by its name without Celery's CELERY_ namespace, so it
    # ignores CELERY_REDBEAT_* from settings.py: repeat them under the names it looks for.
    names = [name for name in sender.conf if name.startswith("CELERY_REDBEAT_")]
    sender.conf.update({name.removeprefix("CELERY_").lower(): sender.conf[name] for name in names})


def _connect_request_ids() -> None:
    # The id of the request that enqueued a task is logged on the task's lines too (config/request_id.py).
    from celery.signals import before_task_publish, task_prerun

    from config.request_id import add_request_id_to_task, take_request_id_from_task

    before_task_publish.connect(add_request_id_to_task, weak=False, dispatch_uid="config.request_id.publish")
    task_prerun.connect(take_request_id_from_task, weak=False, dispatch_uid="config.request_id.prerun")


_connect_request_ids()
