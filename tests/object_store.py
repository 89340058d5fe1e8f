"""A real S3 API server for the tests: moto's, started as its own process on 127.0.0.1.

The evidence vault's object-store backend is tested against it over HTTP, as it would talk to
AWS S3 or MinIO, never against a mock inside the test process. The conftest fixture starts one
server per test run; each test gets a bucket of its own. Where the server cannot be started the
tests that need it are skipped with the reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.browser_support import free_port

START_TIMEOUT_S = 30
# Credentials and region the server accepts (moto takes any); set for every client the tests
# and the app processes they start make.
S3_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "iso10002-tests",
    "AWS_SECRET_ACCESS_KEY": "iso10002-tests-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@contextmanager
def s3_server(log_folder: Path) -> Iterator[str]:
    """moto's S3 server on a free port until the block ends; yields its endpoint URL."""
    port = free_port()
    log_folder.mkdir(parents=True, exist_ok=True)
    log_path = log_folder / "s3-server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **S3_ENVIRONMENT},
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text(errors="replace")[-1500:]
                    raise RuntimeError(
                        f"the S3 server did not start at {endpoint}:\n{tail}"
                    ) from None
                time.sleep(0.2)
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def client(endpoint: str):
    """A boto3 S3 client on the test server."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_ENVIRONMENT["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_ENVIRONMENT["AWS_SECRET_ACCESS_KEY"],
        region_name=S3_ENVIRONMENT["AWS_DEFAULT_REGION"],
    )


def new_bucket(endpoint: str) -> str:
    """A bucket of its own for one test (S3 names: lower case, digits and hyphens)."""
    name = f"evidence-{uuid.uuid4().hex[:16]}"
    client(endpoint).create_bucket(Bucket=name)
    return name


def objects(endpoint: str, bucket: str, prefix: str = "") -> dict[str, bytes]:
    """Every object under the prefix, by its name after the prefix, with its content."""
    s3 = client(endpoint)
    found = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Contents", ()):
            body = s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
            found[entry["Key"][len(prefix) :]] = body
    return found
