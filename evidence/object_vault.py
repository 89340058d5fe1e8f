"""The evidence vault in a bucket of an S3-compatible object store (AWS S3, MinIO, Ceph...).

Chosen with `ISO10002_EVIDENCE_URL=s3://bucket/prefix`, so that several app processes, on
several machines, serve the same evidence. The rules are the vault's (`evidence.vault.Vault`):
objects are named by their SHA-256 under the prefix, checked against it on every read, and
written once: a write is conditional on the name being free (`If-None-Match: *`), so two
processes storing the same file at the same moment cannot overwrite each other; only an object
found damaged is replaced. The client is boto3's, configured the usual way (AWS_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, or a profile); it is handed in, so
this module imports no AWS library itself and the vault stays testable against any server.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any, BinaryIO, cast

from evidence.errors import Unreachable
from evidence.vault import Vault

# What the store answers when an object or a condition is not there (S3's error codes).
_ABSENT = {"404", "NoSuchKey", "NotFound"}
_TAKEN = {"412", "PreconditionFailed", "ConditionalRequestConflict"}


def _code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


class ObjectVault(Vault):
    """The vault under `prefix` in `bucket`, through an S3 client (boto3's)."""

    def __init__(self, client: Any, bucket: str, prefix: str = "", *, max_bytes: int) -> None:
        super().__init__(max_bytes=max_bytes)
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def __repr__(self) -> str:
        return f"ObjectVault({self.location!r})"

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def _key(self, name: str) -> str:
        return self.prefix + name

    def _unreachable(self, error: Exception) -> Unreachable:
        return Unreachable(
            f"the evidence store at {self.location} cannot be used: "
            f"{type(error).__name__}: {error}; nothing was read or written"
        )

    def open_object(self, name: str) -> BinaryIO | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
        except Exception as error:  # botocore's errors; the ones meaning "absent" are expected
            if _code(error) in _ABSENT:
                return None
            raise self._unreachable(error) from error
        return cast(BinaryIO, answer["Body"])

    def object_size(self, name: str) -> int | None:
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=self._key(name))
        except Exception as error:
            if _code(error) in _ABSENT:
                return None
            raise self._unreachable(error) from error
        return int(answer["ContentLength"])

    def write_object(self, name: str, content: bytes) -> None:
        """Written only where the name is free; a damaged object of that name (one whose
        content is not this content) is deleted first. Failures come out as OSError, as a
        folder's would, and `Vault.put` says nothing was stored."""
        key = self._key(name)
        try:
            for _attempt in range(3):
                try:
                    self.client.put_object(
                        Bucket=self.bucket, Key=key, Body=content, IfNoneMatch="*"
                    )
                    return
                except Exception as error:
                    if _code(error) not in _TAKEN:
                        raise
                if self.content_digest(name) == hashlib.sha256(content).hexdigest():
                    return  # another process stored the same content meanwhile
                self.client.delete_object(Bucket=self.bucket, Key=key)
        except Unreachable as error:
            raise OSError(str(error)) from error
        except Exception as error:
            raise OSError(f"{type(error).__name__}: {error}") from error
        raise OSError(f"{key} kept changing while it was being written")

    def object_names(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        try:
            for page in pages:
                for entry in page.get("Contents", ()):
                    yield entry["Key"][len(self.prefix) :]
        except Exception as error:
            if _code(error) in _ABSENT:
                return  # no bucket yet: nothing stored
            raise self._unreachable(error) from error

    def check_reachable(self) -> None:
        """Raise Unreachable unless the bucket answers (for a start-up check with a message)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except Exception as error:
            raise self._unreachable(error) from error
