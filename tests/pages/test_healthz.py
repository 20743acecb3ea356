"""/healthz: JSON on the database, the cache and the broker; 503 when one is down; never leaks configuration."""

from __future__ import annotations

import json
from unittest import mock

import pytest
import redis
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = "redis://:s3cret-password@127.0.0.1:1/0"  # nothing listens on port 1


def get_health(client: Client) -> tuple[int, dict]:
    response = client.get(reverse("pages:healthz"))
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


def test_all_ok_without_a_broker(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REDIS_URL = ""
    status, body = get_health(client)
    assert status == 200
    assert body == {
        "status": "ok",
        "checks": {
            "database": {"status": "ok"},
            "cache": {"status": "ok"},
            "broker": {"status": "ok", "detail": "in-process"},
        },
    }


def test_the_response_is_never_cached(client: Client) -> None:
    response = client.get(reverse("pages:healthz"))
    assert "no-cache" in response["Cache-Control"]


def test_head_is_answered_and_post_is_not(client: Client) -> None:
    assert client.head(reverse("pages:healthz")).status_code == 200
    assert client.post(reverse("pages:healthz")).status_code == 405


def test_database_down(client: Client) -> None:
    with mock.patch("pages.health.connection.cursor", side_effect=OperationalError("could not connect to db-host")):
        status, body = get_health(client)
    assert status == 503
    assert body["status"] == "error"
    assert body["checks"]["database"] == {"status": "error", "detail": "OperationalError"}
    assert body["checks"]["cache"] == {"status": "ok"}
    assert "db-host" not in json.dumps(body), "driver messages can name hosts and users: they are logged, not shown"


def test_cache_unreachable(client: Client) -> None:
    with mock.patch("pages.health.cache.set", side_effect=ConnectionError("cache-host:6379 refused")):
        status, body = get_health(client)
    assert status == 503
    assert body["checks"]["cache"] == {"status": "error", "detail": "ConnectionError"}
    assert body["checks"]["database"] == {"status": "ok"}


def test_cache_that_forgets_what_it_was_told(client: Client) -> None:
    # A DummyCache (or a full, evicting cache) accepts writes and returns nothing.
    with mock.patch("pages.health.cache.get", return_value=None):
        status, body = get_health(client)
    assert status == 503
    assert body["checks"]["cache"] == {"status": "error", "detail": "CheckFailed"}


def test_broker_down_reports_503_without_the_url_or_password(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REDIS_URL = UNREACHABLE_REDIS
    status, body = get_health(client)
    assert status == 503
    assert body["checks"]["broker"] == {"status": "error", "detail": "ConnectionError"}
    text = json.dumps(body)
    assert "s3cret" not in text
    assert "127.0.0.1" not in text


def test_broker_that_does_not_answer_ping(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REDIS_URL = "redis://broker.internal:6379/0"
    with mock.patch.object(redis.Redis, "ping", side_effect=redis.TimeoutError("Timeout reading from socket")):
        status, body = get_health(client)
    assert status == 503
    assert body["checks"]["broker"] == {"status": "error", "detail": "TimeoutError"}


def test_real_redis_broker_ok(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        skip_or_fail("Redis is not running at 127.0.0.1:6379")
    settings.REDIS_URL = url
    status, body = get_health(client)
    assert status == 200
    assert body["checks"]["broker"] == {"status": "ok"}


def test_healthz_is_reachable_over_plain_http_when_https_is_enforced(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_SSL_REDIRECT = True
    settings.REDIS_URL = ""
    assert client.get(reverse("pages:healthz")).status_code == 200
    assert client.get(reverse("pages:about")).status_code == 301


# --- Liveness and readiness (issue 19): a rolling restart and a load balancer need both -----------------------


def test_liveness_asks_no_dependency_so_an_outage_restarts_nothing(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with (
        mock.patch("pages.health.connection.cursor", side_effect=OperationalError("down")),
        mock.patch("pages.health.run_checks", side_effect=AssertionError("liveness must not check dependencies")),
        django_assert_num_queries(0),
    ):
        response = client.get(reverse("pages:healthz_live"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_is_503_while_the_database_is_down_and_healthz_still_answers_as_before(client: Client) -> None:
    assert reverse("pages:healthz_ready") == "/healthz/ready"
    with mock.patch("pages.health.connection.cursor", side_effect=OperationalError("could not connect")):
        ready = client.get(reverse("pages:healthz_ready"))
        legacy = client.get(reverse("pages:healthz"))
    assert ready.status_code == legacy.status_code == 503
    assert json.loads(ready.content) == json.loads(legacy.content)
    assert json.loads(ready.content)["checks"]["database"] == {"status": "error", "detail": "OperationalError"}


def test_readiness_is_503_while_the_broker_is_down(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REDIS_URL = UNREACHABLE_REDIS
    response = client.get(reverse("pages:healthz_ready"))
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["broker"]["status"] == "error"
    assert "s3cret" not in response.content.decode()


@pytest.mark.parametrize("url_name", ["pages:healthz_live", "pages:healthz_ready"])
def test_probes_are_reachable_over_plain_http_and_refuse_post(client: Client, settings, url_name: str) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_SSL_REDIRECT = True
    settings.REDIS_URL = ""
    assert client.get(reverse(url_name)).status_code == 200
    assert client.head(reverse(url_name)).status_code == 200
    assert client.post(reverse(url_name)).status_code == 405
