"""pytest plugin: a local S3 emulator (moto's server mode) for the tests of media on object storage.

Registered in tests/conftest.py. `s3_endpoint` (session) starts `moto_server` from this virtualenv on a free port of
127.0.0.1 and stops it at the end; nothing is downloaded and no real cloud is ever asked. `s3_media` (per test)
creates a new bucket and points Django's default storage at it through the project's own configuration
(config/storage.py), so the code under test is what a deployment with MEDIA_BUCKET set runs.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from config.storage import media_storage

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"
REGION = "eu-west-2"
START_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class S3Media:
    endpoint: str
    bucket: str
    storage: dict[str, Any]

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def environment(self) -> dict[str, str]:
        """The variables that configure the same bucket in another process (gunicorn, a worker)."""
        return {
            "MEDIA_BUCKET": self.bucket,
            "MEDIA_ENDPOINT_URL": self.endpoint,
            "MEDIA_REGION": REGION,
            "MEDIA_ACCESS_KEY_ID": ACCESS_KEY,
            "MEDIA_SECRET_ACCESS_KEY": SECRET_KEY,
            "MEDIA_ADDRESSING_STYLE": "path",
        }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - the emulator on 127.0.0.1
            return True
    except urllib.error.HTTPError:
        return True  # it answered, if not with 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    moto_server = Path(sys.executable).with_name("moto_server")
    if not moto_server.exists():
        pytest.fail(f"{moto_server} is missing: run `make install` (moto[server] is a locked dev dependency)")
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto_server.log").open("wb")
    process = subprocess.Popen(
        [str(moto_server), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _answers(endpoint):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"moto_server did not start on {endpoint} (see {log.name})")
            time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def make_bucket(endpoint: str) -> S3Media:
    bucket = f"media-{uuid.uuid4().hex[:12]}"
    storage = media_storage(
        bucket=bucket,
        endpoint_url=endpoint,
        region=REGION,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        addressing_style="path",
    )
    media = S3Media(endpoint=endpoint, bucket=bucket, storage=storage)
    media.client().create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    return media


@pytest.fixture
def s3_media(s3_endpoint: str, settings) -> S3Media:  # type: ignore[no-untyped-def]
    """A new bucket, and Django's default storage on it for this test (settings restore local files after)."""
    media = make_bucket(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, "default": media.storage}
    return media
