"""An S3 service for tests: moto's server on a loopback port, with the environment that points
the portal's settings at it (STORAGE_BACKEND=s3)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class S3Service:
    endpoint: str
    bucket: str
    private_bucket: str
    env: dict[str, str]
    client: Any  # a boto3 S3 client with the same credentials as the portal

    def keys(self, bucket: str) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def empty(self) -> None:
        """Delete every object (a test's rows are rolled back; its files must go too)."""
        for bucket in (self.bucket, self.private_bucket):
            for key in self.keys(bucket):
                self.client.delete_object(Bucket=bucket, Key=key)


@contextmanager
def moto_s3() -> Iterator[S3Service]:
    """moto's S3 server in a thread of this process. Its buckets live in moto's process-wide
    state, so each service gets buckets of its own names."""
    import boto3  # type: ignore[import-untyped]
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        suffix = uuid.uuid4().hex[:8]
        env = {
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": f"ksbb-files-{suffix}",
            "S3_PRIVATE_BUCKET": f"ksbb-private-{suffix}",
            "S3_ENDPOINT_URL": endpoint,
            "S3_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "ksbb-test",
            "AWS_SECRET_ACCESS_KEY": "ksbb-test-secret",
        }
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        )
        for bucket in (env["S3_BUCKET"], env["S3_PRIVATE_BUCKET"]):
            client.create_bucket(Bucket=bucket)
        yield S3Service(endpoint, env["S3_BUCKET"], env["S3_PRIVATE_BUCKET"], env, client)
    finally:
        server.stop()
