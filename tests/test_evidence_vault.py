"""The content-addressed vault: stored once, checked on every read, never overwritten, in a
folder and in a bucket of a real S3 API server (the `place` fixture runs both)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from evidence.errors import Damaged, Refused, Unreachable, Unwritable
from evidence.object_vault import ObjectVault
from evidence.vault import TEMPORARY_PREFIX, FolderVault, Vault, verify_vault
from tests.evidence_samples import files
from tests.object_store import client, new_bucket, objects


@dataclass
class Folder:
    """The vault in a folder; damage is done to its files."""

    vault: FolderVault

    def contents(self) -> dict[str, bytes]:
        return files(self.vault.root)

    def plant(self, name: str, content: bytes) -> None:
        path = self.vault.root.joinpath(*name.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.chmod(0o644)
        path.write_bytes(content)

    def remove(self, name: str) -> None:
        self.vault.root.joinpath(*name.split("/")).unlink()


@dataclass
class Bucket:
    """The vault under a prefix of a bucket; damage is done through the store's own API."""

    vault: ObjectVault
    endpoint: str

    def contents(self) -> dict[str, bytes]:
        return objects(self.endpoint, self.vault.bucket, self.vault.prefix)

    def plant(self, name: str, content: bytes) -> None:
        client(self.endpoint).put_object(
            Bucket=self.vault.bucket, Key=self.vault.prefix + name, Body=content
        )

    def remove(self, name: str) -> None:
        client(self.endpoint).delete_object(Bucket=self.vault.bucket, Key=self.vault.prefix + name)


@pytest.fixture(params=["folder", "s3"])
def place(request, tmp_path):
    if request.param == "folder":
        return Folder(FolderVault(tmp_path / "evidence", max_bytes=1024))
    endpoint = request.getfixturevalue("s3_endpoint")
    vault = ObjectVault(client(endpoint), new_bucket(endpoint), "team/evidence", max_bytes=1024)
    return Bucket(vault, endpoint)


def name_of(digest: str) -> str:
    return f"{digest[:2]}/{digest[2:]}"


def test_a_file_lives_under_its_hash_and_is_stored_once(place):
    content = b"Complaints register, November\n"
    digest = hashlib.sha256(content).hexdigest()
    first = place.vault.put(content)
    second = place.vault.put(content)
    assert (first.sha256, first.size, first.already_stored) == (digest, len(content), False)
    assert second.already_stored
    assert place.contents() == {name_of(digest): content}
    assert place.vault.read(digest) == content


def test_a_folder_vault_file_is_read_only(tmp_path):
    vault = FolderVault(tmp_path / "evidence", max_bytes=1024)
    digest = vault.put(b"minutes\n").sha256
    assert oct(vault.path_for(digest).stat().st_mode & 0o777) == oct(0o444)


def test_no_temporary_file_is_left_behind_when_a_write_fails(tmp_path, monkeypatch):
    vault = FolderVault(tmp_path / "evidence", max_bytes=1024)

    def fail(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(Unwritable, match=r"could not be written to the vault at .*disk full"):
        vault.put(b"some evidence")
    assert files(vault.root) == {}


def test_the_size_limit_and_empty_content_are_refused_before_writing(place):
    with pytest.raises(Refused, match=r"more than the 1\.0 KB"):
        place.vault.put(b"x" * 1025)
    with pytest.raises(Refused, match="empty"):
        place.vault.put(b"")
    assert place.contents() == {}


def test_hashes_that_are_not_hashes_never_become_names(place):
    for bad in ("../../etc/passwd", "AB" * 32, "a" * 63, "g" * 64, ""):
        with pytest.raises(ValueError, match="not a SHA-256"):
            place.vault.read(bad)
        with pytest.raises(ValueError, match="not a SHA-256"):
            place.vault.problem(bad)


def test_an_altered_or_missing_file_is_never_served(place):
    content = b"approved procedure\n"
    digest = place.vault.put(content).sha256
    place.plant(name_of(digest), b"approved procedure, quietly edited\n")
    with pytest.raises(Damaged, match="was altered") as altered:
        place.vault.read(digest, what="evidence E1 'Procedure'")
    assert altered.value.problem == "altered"
    assert str(altered.value).startswith("evidence E1 'Procedure': ")
    assert place.vault.problem(digest) == "altered"
    assert place.vault.problem(digest, size=len(content)) == "altered"
    place.remove(name_of(digest))
    with pytest.raises(Damaged, match="is missing from the vault") as missing:
        place.vault.read(digest)
    assert missing.value.problem == "missing"
    assert place.vault.problem(digest) == "missing"
    assert place.vault.problem(digest, size=len(content)) == "missing"


def test_putting_the_right_content_again_repairs_a_damaged_file(place):
    content = b"minutes of the review\n"
    digest = place.vault.put(content).sha256
    place.plant(name_of(digest), b"tampered")
    assert place.vault.put(content).already_stored is False
    assert place.vault.read(digest) == content


def test_verify_lists_missing_altered_unreferenced_and_stray_files(place):
    vault = place.vault
    kept, altered, spare = (vault.put(c).sha256 for c in (b"kept\n", b"altered\n", b"spare\n"))
    gone = hashlib.sha256(b"never stored").hexdigest()
    place.plant(name_of(altered), b"changed\n")
    place.plant("notes.txt", b"put here by hand")
    place.plant(f"{kept[:2]}/{TEMPORARY_PREFIX}1234", b"half")
    report = verify_vault(vault, [kept, altered, gone])
    assert report.checked == 3
    assert report.missing == (gone,)
    assert report.altered == (altered,)
    assert report.unreferenced == (spare,)
    assert sorted(report.stray) == sorted(["notes.txt", f"{kept[:2]}/{TEMPORARY_PREFIX}1234"])
    assert not report.ok
    assert verify_vault(vault, [kept, spare]).missing == ()


def test_an_empty_or_absent_vault_verifies(tmp_path, s3_endpoint):
    absent: list[Vault] = [
        FolderVault(tmp_path / "nothing", max_bytes=10),
        ObjectVault(client(s3_endpoint), new_bucket(s3_endpoint), "none/yet", max_bytes=10),
    ]
    for vault in absent:
        report = verify_vault(vault, [])
        assert (report.ok, report.checked) == (True, 0)


def test_two_writers_of_the_same_file_store_it_once_and_never_overwrite(s3_endpoint):
    bucket = new_bucket(s3_endpoint)
    first = ObjectVault(client(s3_endpoint), bucket, "shared", max_bytes=1024)
    second = ObjectVault(client(s3_endpoint), bucket, "shared", max_bytes=1024)
    content = b"one procedure, uploaded in two places at once\n"
    digest = first.put(content).sha256
    # The second process had found the name free before the first wrote it: its conditional
    # write is refused by the store, and the object already there is kept as it is.
    second.write_object(name_of(digest), content)
    assert second.read(digest) == content
    assert objects(s3_endpoint, bucket, "shared/") == {name_of(digest): content}


def test_a_store_that_cannot_be_reached_says_so_and_nothing_is_called_damaged(tmp_path):
    from tests.browser_support import free_port

    nowhere = client(f"http://127.0.0.1:{free_port()}")
    vault = ObjectVault(nowhere, "evidence", "", max_bytes=1024)
    digest = hashlib.sha256(b"x").hexdigest()
    with pytest.raises(Unreachable, match=r"the evidence store at s3://evidence/ cannot be used"):
        vault.read(digest)
    with pytest.raises(Unreachable, match="nothing was read or written"):
        vault.put(b"x")
    with pytest.raises(Unreachable):
        verify_vault(vault, [digest])


def test_the_evidence_folder_is_the_data_folders_and_the_vault_opens_there(monkeypatch, tmp_path):
    from assessment.services.vault_access import open_vault
    from assessment.settings import evidence_dir

    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ISO10002_EVIDENCE_MAX_MB", "2")
    monkeypatch.delenv("ISO10002_EVIDENCE_URL", raising=False)
    assert evidence_dir() == tmp_path / "data" / "evidence"
    vault = open_vault()
    assert isinstance(vault, FolderVault)
    assert (vault.root, vault.max_bytes) == (evidence_dir(), 2 * 1024 * 1024)


def test_an_s3_address_opens_the_vault_in_that_bucket(s3_settings, s3_endpoint):
    from assessment.services.vault_access import open_vault

    vault = open_vault()
    assert isinstance(vault, ObjectVault)
    bucket = s3_settings["ISO10002_EVIDENCE_URL"].removeprefix("s3://").split("/")[0]
    assert vault.location == f"s3://{bucket}/evidence/"
    digest = vault.put(b"stored through the settings\n").sha256
    assert objects(s3_endpoint, bucket) == {
        f"evidence/{name_of(digest)}": b"stored through the settings\n"
    }


def test_stored_files_are_outside_the_data_folder_with_an_s3_address(
    s3_settings, tmp_path: Path, monkeypatch
):
    from assessment.services.vault_access import open_vault

    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    open_vault().put(b"kept in the bucket\n")
    assert not (tmp_path / "data").exists()
