"""Backup and restore with the evidence on an S3-compatible store (a real S3 API server): the
archive carries the bucket's objects, and a restore puts them back in a bucket or a folder."""

from __future__ import annotations

import hashlib
import zipfile

import pytest

from assessment.backup import backup, restore
from assessment.errors import EvidenceStoreError
from assessment.services.vault_access import open_vault
from evidence.object_vault import ObjectVault
from evidence.vault import FolderVault
from tests.object_store import S3_ENVIRONMENT, client, new_bucket, objects
from tests.test_backup import dump, files, fill
from tests.test_backup import target as target  # the fixture: a second, empty database

CONTENTS = (b"complaints procedure, version 3\n", b"minutes of the management review\n")


@pytest.fixture
def bucket_vault(s3_settings) -> ObjectVault:
    """The configured vault (a bucket of this test's own), holding two evidence files."""
    vault = open_vault()
    assert isinstance(vault, ObjectVault)
    for content in CONTENTS:
        vault.put(content)
    return vault


def test_a_backup_carries_the_buckets_files_and_restores_them_to_another_bucket(
    store, target, bucket_vault, s3_endpoint, tmp_path
):
    fill(store)
    archive = tmp_path / "backup.zip"
    made = backup(store, archive)
    assert made.evidence_files == 2
    with zipfile.ZipFile(archive) as opened:
        carried = {n: opened.read(n) for n in opened.namelist() if n.startswith("evidence/")}
    stored = objects(s3_endpoint, bucket_vault.bucket, bucket_vault.prefix)
    assert carried == {f"evidence/{name}": content for name, content in stored.items()}

    elsewhere = ObjectVault(client(s3_endpoint), new_bucket(s3_endpoint), "restored", max_bytes=1)
    result = restore(target, archive, elsewhere)
    assert (result.evidence_files, result.evidence_unchanged) == (2, 0)
    assert objects(s3_endpoint, elsewhere.bucket, "restored/") == stored
    assert dump(target) == dump(store)
    for content in CONTENTS:
        digest = hashlib.sha256(content).hexdigest()
        assert elsewhere.read(digest) == content


def test_a_restore_keeps_intact_objects_and_replaces_a_damaged_one(
    store, bucket_vault, s3_endpoint, tmp_path
):
    fill(store)
    archive = tmp_path / "backup.zip"
    backup(store, archive)
    first = sorted(objects(s3_endpoint, bucket_vault.bucket, bucket_vault.prefix))[0]
    client(s3_endpoint).put_object(
        Bucket=bucket_vault.bucket, Key=bucket_vault.prefix + first, Body=b"tampered"
    )
    result = restore(store, archive, replace=True)
    assert (result.evidence_files, result.evidence_unchanged) == (1, 1)
    assert set(objects(s3_endpoint, bucket_vault.bucket, bucket_vault.prefix).values()) == set(
        CONTENTS
    )


def test_a_folder_backup_restores_into_a_bucket_and_a_bucket_backup_into_a_folder(
    store, bucket_vault, s3_endpoint, tmp_path
):
    fill(store)
    from_bucket = tmp_path / "from-bucket.zip"
    backup(store, from_bucket)
    folder = tmp_path / "restored-evidence"
    restore(store, from_bucket, folder, replace=True)
    assert files(folder) == objects(s3_endpoint, bucket_vault.bucket, bucket_vault.prefix)

    from_folder = tmp_path / "from-folder.zip"
    backup(store, from_folder, FolderVault(folder, max_bytes=1))
    other = ObjectVault(client(s3_endpoint), new_bucket(s3_endpoint), "", max_bytes=1)
    restore(store, from_folder, other, replace=True)
    assert objects(s3_endpoint, other.bucket) == files(folder)


def test_a_store_that_cannot_be_reached_fails_the_backup_and_writes_no_archive(
    store, tmp_path, monkeypatch
):
    from assessment.services.vault_access import s3_client
    from tests.browser_support import free_port

    fill(store)
    for name, value in S3_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("ISO10002_EVIDENCE_URL", "s3://evidence/team")
    s3_client.cache_clear()
    archive = tmp_path / "backup.zip"
    try:
        with pytest.raises(
            EvidenceStoreError, match="the evidence store at s3://evidence/team/ cannot be used"
        ):
            backup(store, archive)
    finally:
        s3_client.cache_clear()
    assert not archive.exists()
