"""Logs: JSON lines with a request id on every line of a request and of the tasks it enqueues; one line per request
naming the view, never the path; nothing personal (issue 17, finding 12)."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from config import request_id as request_ids
from tests.test_settings import production_environment, run_python

pytestmark = pytest.mark.django_db


def test_every_response_carries_its_request_id_and_one_line_names_the_view(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="requests")
    response = Client().get(reverse("accounts:invitation_accept", kwargs={"token": "secret-invitation-token"}))
    given = response["X-Request-ID"]
    assert len(given) == 32
    [line] = [record for record in caplog.records if record.name == "requests"]
    assert (line.view, line.status, line.request_id) == ("accounts:invitation_accept", response.status_code, given)
    assert "secret-invitation-token" not in json.dumps(vars(line), default=str)


def test_a_proxys_request_id_is_kept_and_a_malformed_one_is_replaced() -> None:
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="proxy-id-12345678")["X-Request-ID"] == "proxy-id-12345678"
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="bad id <script>")["X-Request-ID"] != "bad id <script>"


def test_a_task_carries_the_id_of_the_request_that_enqueued_it() -> None:
    token = request_ids.request_id.set("abcdef0123456789")
    try:
        headers: dict[str, str] = {}
        request_ids.add_request_id_to_task(headers=headers)
    finally:
        request_ids.request_id.reset(token)
    assert headers == {"request_id": "abcdef0123456789"}
    # In the worker, before the task runs:
    token = request_ids.request_id.set("-")
    try:
        request_ids.take_request_id_from_task(
            task=SimpleNamespace(request=SimpleNamespace(request_id="abcdef0123456789"))
        )
        assert request_ids.request_id.get() == "abcdef0123456789"
        request_ids.request_id.set("-")
        request_ids.take_request_id_from_task(task=SimpleNamespace(request=SimpleNamespace()))
        assert len(request_ids.request_id.get()) == 32  # a task from beat gets an id of its own
    finally:
        request_ids.request_id.reset(token)


LOG_PROBE = """
import logging, django
django.setup()
from config.request_id import request_id
request_id.set("abcdef0123456789")
logging.getLogger("matching").info("a message", extra={"count": 3})
"""


def test_production_logs_are_json_lines_with_the_request_id(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run_python(["-c", LOG_PROBE], production_environment(tmp_path, DJANGO_SETTINGS_MODULE="config.settings"))
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "a message" and line["request_id"] == "abcdef0123456789"
    assert (line["level"], line["logger"], line["count"]) == ("INFO", "matching", 3)
    assert "time" in line


def test_an_unknown_log_format_refuses_to_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    environment = production_environment(tmp_path, DJANGO_SETTINGS_MODULE="config.settings", LOG_FORMAT="xml")
    result = run_python(["-c", "import django; django.setup()"], environment)
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or plain" in result.stderr


SENTRY_PROBE = """
import django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
print(client.is_active(), client.options["send_default_pii"], client.options["max_request_body_size"])
"""


def test_error_reporting_is_off_unless_a_dsn_is_set_and_never_sends_personal_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    environment = production_environment(tmp_path, DJANGO_SETTINGS_MODULE="config.settings")
    assert run_python(["-c", SENTRY_PROBE], environment).stdout.split()[0] == "False"
    with_dsn = {**environment, "SENTRY_DSN": "https://public@sentry.invalid/1"}
    assert run_python(["-c", SENTRY_PROBE], with_dsn).stdout.split() == ["True", "False", "never"]
