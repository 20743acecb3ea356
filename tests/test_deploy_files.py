"""docker-compose.yml, the Dockerfile, .env.example and the CI script, checked by reading them.

Docker does not run on the development machine, so these tests keep the files honest: every command names a module,
setting and management command that exists, and every variable matches one settings.py reads.
"""

from __future__ import annotations

import http.server
import os
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from celery.app.utils import find_app
from django.core.management import get_commands
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "web-2", "worker", "beat")
VARIABLE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def settings_variables() -> set[str]:
    """Every environment variable config/settings.py reads through its env_* helpers, and that gunicorn's
    configuration (config/gunicorn_conf.py) reads through its own."""
    source = (BASE_DIR / "config" / "settings.py").read_text()
    names = set(re.findall(r"env_(?:str|bool|int|list|dates)\(\s*\"([A-Z][A-Z0-9_]*)\"", source))
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= names, "the settings scan found too little"
    gunicorn = (BASE_DIR / "config" / "gunicorn_conf.py").read_text()
    names |= set(re.findall(r"_int\(\s*\"([A-Z][A-Z0-9_]*)\"", gunicorn))
    names |= set(re.findall(r"os\.environ\.get\(\s*\"([A-Z][A-Z0-9_]*)\"", gunicorn))
    return names


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def command(service: dict[str, Any]) -> list[str]:
    value = service["command"]
    return shlex.split(value) if isinstance(value, str) else list(value)


def test_the_five_services_and_a_one_shot_migration_exist(services: dict[str, Any]) -> None:
    assert {"web", "worker", "beat", "db", "redis", "migrate"} <= set(services)
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["migrate"]["restart"] == "no"


def test_the_topology_is_a_load_balancer_two_web_replicas_workers_and_one_beat(services: dict[str, Any]) -> None:
    assert command(services["web-2"]) == command(services["web"])
    assert services["web-2"]["healthcheck"] == services["web"]["healthcheck"]
    assert services["web-2"]["volumes"] == services["web"]["volumes"]
    assert services["worker"]["deploy"]["replicas"] >= 2
    assert [name for name, service in services.items() if "beat" in service.get("command", [])] == ["beat"]
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    # Only the load balancer is published; it waits for both replicas to be ready.
    published = [name for name, service in services.items() if service.get("ports")]
    assert published == ["lb"]
    assert services["lb"]["image"].startswith("caddy:2")
    assert {"web", "web-2"} <= set(services["lb"]["depends_on"])
    mounted = services["lb"]["volumes"][0].split(":")
    assert mounted[1] == "/etc/caddy/Caddyfile"
    caddyfile = (BASE_DIR / mounted[0]).read_text()
    assert re.search(r"reverse_proxy web:8000 web-2:8000 \{", caddyfile)
    assert "health_uri /healthz/ready" in caddyfile
    assert "{$LB_HEALTH_HOST:localhost}" in caddyfile


def test_the_object_storage_settings_are_documented_for_several_hosts(compose: dict[str, Any]) -> None:
    text = (BASE_DIR / "docker-compose.yml").read_text()
    example = (BASE_DIR / ".env.example").read_text()
    for name in (
        "MEDIA_BUCKET",
        "MEDIA_ENDPOINT_URL",
        "MEDIA_REGION",
        "MEDIA_ACCESS_KEY_ID",
        "MEDIA_SECRET_ACCESS_KEY",
    ):
        assert name in text and f"# {name}=" in example, name


def test_app_services_build_the_image_and_read_dot_env(services: dict[str, Any]) -> None:
    for name in APP_SERVICES:
        assert services[name]["build"] == ".", name
        assert ".env" in (
            [services[name]["env_file"]] if isinstance(services[name]["env_file"], str) else services[name]["env_file"]
        ), name


def test_web_runs_gunicorn_on_the_real_wsgi_application(services: dict[str, Any]) -> None:
    from config import wsgi

    argv = command(services["web"])
    assert argv[0] == "gunicorn"
    module, attribute = next(arg for arg in argv[1:] if ":" in arg and not arg.startswith("-")).split(":")
    assert module == "config.wsgi"
    assert callable(getattr(wsgi, attribute))
    # Workers and threads from the environment (the shipped image used to run gunicorn's default single worker).
    assert argv[argv.index("--config") + 1] == "config/gunicorn_conf.py"


def test_gunicorn_takes_its_worker_count_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import config.gunicorn_conf as conf

    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    importlib.reload(conf)
    assert (conf.workers, conf.threads, conf.graceful_timeout) == (5, 4, 30)
    monkeypatch.delenv("WEB_CONCURRENCY")
    importlib.reload(conf)
    assert conf.workers >= 2
    monkeypatch.setenv("WEB_CONCURRENCY", "many")
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY must be a whole number"):
        importlib.reload(conf)
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    importlib.reload(conf)


@pytest.mark.parametrize(("service", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_celery_services_name_the_project_app(services: dict[str, Any], service: str, subcommand: str) -> None:
    from config.celery import app

    argv = command(services[service])
    assert argv[0] == "celery"
    assert argv[argv.index("-A") + 1] == "config"
    assert find_app("config") is app
    assert subcommand in argv


def test_migrate_runs_a_real_management_command(services: dict[str, Any]) -> None:
    argv = command(services["migrate"])
    assert argv[:2] == ["python", "manage.py"]
    assert argv[2] in get_commands()


def test_health_checks(services: dict[str, Any]) -> None:
    def check(name: str) -> str:
        return " ".join(services[name]["healthcheck"]["test"])

    assert "pg_isready" in check("db")
    assert "redis-cli ping" in check("redis")
    # The web container is healthy when it is ready for traffic: the database, the cache and the broker answer.
    assert check("web").endswith("scripts/healthcheck.py /healthz/ready")
    assert reverse("pages:healthz_ready") == "/healthz/ready"
    assert reverse("pages:healthz_live") == "/healthz/live"
    assert reverse("pages:healthz") == "/healthz"
    assert "celery -A config inspect ping" in check("worker")


def test_web_and_worker_stop_gracefully_before_docker_kills_them(services: dict[str, Any]) -> None:
    import importlib

    import config.gunicorn_conf as conf
    from config.celery import app

    def seconds(value: str) -> int:
        assert value.endswith("s"), value
        return int(value.removesuffix("s"))

    importlib.reload(conf)
    assert seconds(services["web"]["stop_grace_period"]) > conf.graceful_timeout
    assert services["worker"]["environment"]["REMAP_SIGTERM"] == "SIGQUIT"
    assert services["worker"]["environment"]["REDIS_URL"] == services["web"]["environment"]["REDIS_URL"]
    assert seconds(services["worker"]["stop_grace_period"]) > app.conf.worker_soft_shutdown_timeout > 0
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost


def test_app_services_wait_for_healthy_services_and_the_migration(services: dict[str, Any]) -> None:
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "web-2", "worker"):
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
    assert services["beat"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_app_services_set_only_variables_settings_reads(services: dict[str, Any]) -> None:
    known = settings_variables()
    for name in APP_SERVICES:
        environment = services[name].get("environment", {})
        names = set(environment) if isinstance(environment, dict) else {item.split("=")[0] for item in environment}
        # Celery's (billiard's) own switch, read before settings: SIGTERM starts the worker's soft shutdown.
        names -= {"REMAP_SIGTERM"} if name == "worker" else set()
        assert names <= known, f"{name} sets variables settings.py never reads: {sorted(names - known)}"
        assert {"DATABASE_URL", "REDIS_URL"} <= names, name


def test_env_example_lists_every_variable_settings_reads() -> None:
    listed = set(VARIABLE.findall((BASE_DIR / ".env.example").read_text()))
    missing = settings_variables() - listed
    assert not missing, f".env.example does not document {sorted(missing)}"


def test_env_example_lists_nothing_else_except_compose_variables() -> None:
    listed = set(VARIABLE.findall((BASE_DIR / ".env.example").read_text()))
    compose_variables = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (BASE_DIR / "docker-compose.yml").read_text()))
    unknown = listed - settings_variables() - compose_variables
    assert not unknown, f".env.example lists variables nobody reads: {sorted(unknown)}"


# --- Dockerfile -------------------------------------------------------------------------------------------


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile as stages of (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (BASE_DIR / "Dockerfile").read_text())
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        stages[-1].append((instruction.upper(), arguments.strip()))
    return stages


def test_dockerfile_builds_assets_in_a_node_stage() -> None:
    node, *_ = dockerfile_stages()
    assert node[0][1].startswith("node:22")
    runs = " ".join(arguments for instruction, arguments in node if instruction == "RUN")
    assert "npm ci" in runs
    assert "npm run build" in runs


def test_dockerfile_final_stage_copies_assets_collects_static_and_runs_as_non_root() -> None:
    *_, final = dockerfile_stages()
    node_stage_name = dockerfile_stages()[0][0][1].split(" AS ")[-1].strip()
    assert final[0][1].startswith("python:3.11-slim")
    copies = [arguments for instruction, arguments in final if instruction == "COPY"]
    assert any(f"--from={node_stage_name}" in copy and "static/dist" in copy for copy in copies)
    assert any("collectstatic" in arguments for instruction, arguments in final if instruction == "RUN")
    users = [arguments for instruction, arguments in final if instruction == "USER"]
    assert users and users[-1] not in {"root", "0"}
    cmd = next(arguments for instruction, arguments in reversed(final) if instruction == "CMD")
    assert "gunicorn" in cmd and "config.wsgi:application" in cmd and "config/gunicorn_conf.py" in cmd


def test_dockerfile_copies_only_files_that_exist() -> None:
    for stage in dockerfile_stages():
        for instruction, arguments in stage:
            if instruction != "COPY" or arguments.startswith("--from"):
                continue
            *sources, _destination = arguments.split()
            for source in sources:
                assert (BASE_DIR / source).exists(), source


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    ignored = set((BASE_DIR / ".dockerignore").read_text().split())
    assert {".git", ".venv", "node_modules", ".env", "db.sqlite3", "static/dist"} <= ignored


# --- The web health check script --------------------------------------------------------------------------


class HealthzStub(http.server.BaseHTTPRequestHandler):
    status = 200
    hosts: list[str] = []
    paths: list[str] = []

    def do_GET(self) -> None:
        HealthzStub.hosts.append(self.headers["Host"])
        HealthzStub.paths.append(self.path)
        self.send_response(HealthzStub.status if self.path.startswith("/healthz") else 404)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def healthz_stub() -> Iterator[int]:
    server = http.server.HTTPServer(("127.0.0.1", 0), HealthzStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    HealthzStub.hosts = []
    HealthzStub.paths = []
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def run_healthcheck(port: int, *arguments: str) -> int:
    env = {**os.environ, "PORT": str(port), "ALLOWED_HOSTS": ".mentoring.example.org,localhost"}
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "scripts" / "healthcheck.py"), *arguments], env=env
    ).returncode


def test_healthcheck_passes_on_200_with_an_allowed_host(healthz_stub: int) -> None:
    HealthzStub.status = 200

    assert run_healthcheck(healthz_stub) == 0
    assert HealthzStub.hosts == ["mentoring.example.org"]
    assert HealthzStub.paths == ["/healthz/ready"]


def test_healthcheck_asks_the_probe_it_is_given_and_refuses_others(healthz_stub: int) -> None:
    HealthzStub.status = 200

    assert run_healthcheck(healthz_stub, "/healthz/live") == 0
    assert run_healthcheck(healthz_stub, "/admin/") == 2
    assert HealthzStub.paths == ["/healthz/live"]


def test_healthcheck_fails_on_503(healthz_stub: int) -> None:
    HealthzStub.status = 503

    assert run_healthcheck(healthz_stub) == 1


def test_healthcheck_fails_when_nothing_listens(healthz_stub: int) -> None:
    assert run_healthcheck(1) == 1


# --- CI -----------------------------------------------------------------------------------------------------


def test_ci_script_requires_services_and_runs_make_test() -> None:
    script = BASE_DIR / ".ci" / "run"
    text = script.read_text()

    assert os.access(script, os.X_OK)
    assert text.startswith("#!/usr/bin/env bash")
    assert "export REQUIRE_SERVICES=1" in text
    assert "postgres://postgres@127.0.0.1:5432/mutuals" in text
    assert "redis://127.0.0.1:6379/0" in text
    assert "make test" in text
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0


# --- The image's collectstatic step -----------------------------------------------------------------------


def test_collectstatic_with_the_production_storage(settings: Any, tmp_path: Path) -> None:
    """What the Dockerfile runs: hashed, compressed files; fails if a stylesheet references a file we do not ship."""
    from django.core.management import call_command

    if not (BASE_DIR / "static" / "dist" / "css" / "app.css").exists():
        pytest.fail("static/dist is not built: run `npm run build` (make test does)")
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", "--noinput", verbosity=0)

    assert (tmp_path / "staticfiles" / "staticfiles.json").exists()
    assert list((tmp_path / "staticfiles" / "dist" / "css").glob("app.*.css.gz"))
