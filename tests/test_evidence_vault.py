"""The content-addressed vault: stored once, atomically, read-only, checked on every read."""

from __future__ import annotations

import hashlib
import os

import pytest

from evidence.errors import Damaged, Refused, Unwritable
from evidence.vault import TEMPORARY_PREFIX, Vault, verify_vault
from tests.evidence_samples import files


@pytest.fixture
def vault(tmp_path):
    return Vault(tmp_path / "evidence", max_bytes=1024)


def test_a_file_lives_under_its_hash_and_is_stored_once(vault):
    content = b"Complaints register, November\n"
    digest = hashlib.sha256(content).hexdigest()
    first = vault.put(content)
    second = vault.put(content)
    assert (first.sha256, first.size, first.already_stored) == (digest, len(content), False)
    assert second.already_stored
    assert files(vault.root) == {f"{digest[:2]}/{digest[2:]}": content}
    assert oct(vault.path_for(digest).stat().st_mode & 0o777) == oct(0o444)
    assert vault.read(digest) == content


def test_no_temporary_file_is_left_behind_when_a_write_fails(vault, monkeypatch):
    def fail(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(Unwritable, match=r"could not be written to the vault at .*disk full"):
        vault.put(b"some evidence")
    assert files(vault.root) == {}


def test_the_size_limit_and_empty_content_are_refused_before_writing(vault):
    with pytest.raises(Refused, match=r"more than the 1\.0 KB"):
        vault.put(b"x" * 1025)
    with pytest.raises(Refused, match="empty"):
        vault.put(b"")
    assert not vault.root.exists()


def test_hashes_that_are_not_hashes_never_become_paths(vault):
    for bad in ("../../etc/passwd", "AB" * 32, "a" * 63, "g" * 64, ""):
        with pytest.raises(ValueError, match="not a SHA-256"):
            vault.path_for(bad)


def test_an_altered_or_missing_file_is_never_served(vault):
    content = b"approved procedure\n"
    digest = vault.put(content).sha256
    path = vault.path_for(digest)
    path.chmod(0o644)
    path.write_bytes(b"approved procedure, quietly edited\n")
    with pytest.raises(Damaged, match="was altered") as altered:
        vault.read(digest, what="evidence E1 'Procedure'")
    assert altered.value.problem == "altered"
    assert str(altered.value).startswith("evidence E1 'Procedure': ")
    assert vault.problem(digest) == "altered"
    path.unlink()
    with pytest.raises(Damaged, match="is missing from the vault") as missing:
        vault.read(digest)
    assert missing.value.problem == "missing"
    assert vault.problem(digest) == "missing"


def test_putting_the_right_content_again_repairs_a_damaged_file(vault):
    content = b"minutes of the review\n"
    digest = vault.put(content).sha256
    vault.path_for(digest).chmod(0o644)
    vault.path_for(digest).write_bytes(b"tampered")
    assert vault.put(content).already_stored is False
    assert vault.read(digest) == content


def test_verify_lists_missing_altered_unreferenced_and_stray_files(vault):
    kept, altered, spare = (vault.put(c).sha256 for c in (b"kept\n", b"altered\n", b"spare\n"))
    gone = hashlib.sha256(b"never stored").hexdigest()
    vault.path_for(altered).chmod(0o644)
    vault.path_for(altered).write_bytes(b"changed\n")
    (vault.root / "notes.txt").write_text("put here by hand")
    (vault.path_for(kept).parent / f"{TEMPORARY_PREFIX}1234").write_bytes(b"half")
    report = verify_vault(vault, [kept, altered, gone])
    assert report.checked == 3
    assert report.missing == (gone,)
    assert report.altered == (altered,)
    assert report.unreferenced == (spare,)
    assert sorted(report.stray) == sorted(["notes.txt", f"{kept[:2]}/{TEMPORARY_PREFIX}1234"])
    assert not report.ok
    assert verify_vault(vault, [kept, spare]).missing == ()


def test_an_empty_or_absent_vault_verifies(tmp_path):
    report = verify_vault(Vault(tmp_path / "nothing", max_bytes=10), [])
    assert report.ok
    assert report.checked == 0


def test_the_evidence_folder_is_the_data_folders_and_the_vault_opens_there(monkeypatch, tmp_path):
    from assessment.services.vault_access import open_vault
    from assessment.settings import evidence_dir

    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ISO10002_EVIDENCE_MAX_MB", "2")
    assert evidence_dir() == tmp_path / "data" / "evidence"
    vault = open_vault()
    assert (vault.root, vault.max_bytes) == (evidence_dir(), 2 * 1024 * 1024)
