"""An S3-compatible server for tests: moto's standalone server as a child process on 127.0.0.1.

A child process, not moto's in-process ThreadedMotoServer: delta-rs holds the GIL while it waits
for some responses (DeltaTable.history), which deadlocks a server in the same interpreter.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

START_TIMEOUT_S = 30
ACCESS_KEY, SECRET_KEY, REGION = "finlake-test-key", "finlake-test-secret", "us-east-1"


@dataclass(frozen=True)
class S3Server:
    endpoint: str

    def env(self, bucket: str, prefix: str = "lake") -> dict[str, str]:
        """What a user sets to put the lake in `bucket`: the lake URI and the AWS variables."""
        return {
            "FINLAKE_LAKE_URI": f"s3://{bucket}/{prefix}",
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": REGION,
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def new_bucket(self) -> str:
        name = f"finlake-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = (
            self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        )
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def moto_server() -> Iterator[S3Server]:
    """Start `python -m moto.server` on a free local port; stopped on exit."""
    port = _free_port()
    # its log goes to a file: a pipe nobody drains fills up and blocks every request
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"moto's server exited: {log.read().decode()[-2000:]}")
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"moto's server did not listen on {port}") from None
                    time.sleep(0.1)
            yield S3Server(f"http://127.0.0.1:{port}")
        finally:
            proc.kill()
            proc.wait()
