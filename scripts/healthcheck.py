"""Container health check for the web service: exit 0 when GET PATH answers 200, else 1.

    python scripts/healthcheck.py [PATH]

PATH is /healthz/ready by default (the database, the cache and the broker answer: send this host traffic), or
/healthz/live (the process answers: for an orchestrator that restarts containers that fail it). Run inside the web
container (docker-compose.yml). It asks gunicorn directly over plain HTTP (settings exempt the probes from the HTTPS
redirect) with a Host header Django accepts: the first entry of ALLOWED_HOSTS. Standard library only, so the slim
image needs no curl.
"""

from __future__ import annotations

import http.client
import os
import sys


def allowed_host() -> str:
    hosts = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()]
    host = hosts[0] if hosts else "localhost"
    # ".example.org" allows any subdomain and "*" any host: both accept the bare name.
    return "localhost" if host == "*" else host.lstrip(".")


PROBES = {"/healthz", "/healthz/live", "/healthz/ready"}


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else "/healthz/ready"
    if path not in PROBES:
        print(f"unknown probe {path!r}: use one of {sorted(PROBES)}", file=sys.stderr)
        return 2
    port = int(os.environ.get("PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": allowed_host()})
        response = connection.getresponse()
        body = response.read(2000).decode("utf-8", "replace")
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if response.status != 200:
        print(f"unhealthy: HTTP {response.status} {body}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
