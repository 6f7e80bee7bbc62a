"""S3 for tests: moto's threaded server on 127.0.0.1 and a free port.

The app reaches it like any S3-compatible store (endpoint URL + keys), so django-storages and
boto3 run their real HTTP code. moto keeps its state in this process, shared by every server
started here: give each test its own bucket (``create_bucket()`` makes a unique one).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Self

import boto3
from moto.server import ThreadedMotoServer

ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"
REGION = "us-east-1"


class S3TestServer:
    """``with S3TestServer() as s3: bucket = s3.create_bucket(); s3.client().put_object(...)``."""

    def __init__(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._running = False

    def start(self) -> Self:
        # werkzeug (moto's HTTP server) logs every request to stderr
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server.start()
        self._running = True
        return self

    def stop(self) -> None:
        if self._running:
            self._server.stop()
            self._running = False

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def endpoint_url(self) -> str:
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def env(self, bucket: str) -> dict[str, str]:
        """Settings for the app's storage backend (django-storages' names)."""
        return {
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_STORAGE_BUCKET_NAME": bucket,
        }

    def client(self) -> Any:
        """A boto3 S3 client with explicit dummy keys, so no real AWS profile is ever used."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def create_bucket(self, name: str | None = None) -> str:
        name = name or f"jengu-test-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def delete_bucket(self, name: str) -> None:
        """Empty and delete a bucket (all object versions too)."""
        client = self.client()
        for page in client.get_paginator("list_object_versions").paginate(Bucket=name):
            doomed = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
            ]
            if doomed:
                client.delete_objects(Bucket=name, Delete={"Objects": doomed})
        client.delete_bucket(Bucket=name)
