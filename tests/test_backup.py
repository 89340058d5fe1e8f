"""Backup and restore, checked the way a user would: the same rows and files come back.

Every test with the `store` fixture runs on SQLite and on PostgreSQL; the target of a restore
is a second, empty database of the same engine (`target`), and the archives and evidence
folders are real files in tmp_path.
"""

from __future__ import annotations

import hashlib
import json
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from assessment import __version__
from assessment.backup import backup, restore
from assessment.checklist.loader import checklist_from_text, find_checklist
from assessment.cli import cli
from assessment.errors import BackupError
from assessment.scoring.findings import Finding
from assessment.services import assessments as A
from assessment.services import organizations as O
from assessment.services.responses import set_response
from assessment.storage.schema import head_revision, upgrade_database
from assessment.storage.store import Store
from assessment.storage.tables import Base
from assessment.workflow.response import Response
from tests.conftest import SMALL_CHECKLIST, _postgres_store, row_counts, store_url
from tests.people import ADMIN, admin

SMALL = checklist_from_text(SMALL_CHECKLIST, "small.yaml")
EVIDENCE_FILES = {
    "ab/ab12.pdf": b"%PDF-1.7 complaints register extract\n",
    "cd/photo of the intake desk.jpg": bytes(range(256)) * 40,
    "procédure.txt": "Étape 1: accuser réception sous 48 h\n".encode(),
}

# --- helpers: what "the same" means --------------------------------------------------------


def _plain(value: Any) -> Any:
    """Timestamps compared as UTC instants: SQLite hands them back without their zone."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def dump(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in primary-key order."""
    with store.engine.connect() as connection:
        return {
            table.name: [
                {column: _plain(value) for column, value in row.items()}
                for row in connection.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).mappings()
            ]
            for table in Base.metadata.sorted_tables
        }


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def write_evidence(folder: Path, contents: dict[str, bytes] = EVIDENCE_FILES) -> None:
    for name, data in contents.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def fill(store: Store, name: str = "Acme Water") -> int:
    """An organization with two assessments (the first names the later one as its baseline,
    so a row points forward at a row of its own table), dates, a team, responses with an N/A
    and an auditor override, and so an audit trail. Returns the first assessment's id."""
    upgrade_database(store.engine)  # a fresh target has no schema yet; a no-op elsewhere
    organization = O.create_organization(store, admin("maria"), name)
    first = A.create_assessment(
        store,
        admin("maria"),
        organization.id,
        SMALL,
        "Gap analysis",
        scope="Retail customers",
        team=("Maria Nowak", "Deniz Aydın"),
        start_date=date(2026, 3, 2),
        end_date=date(2026, 4, 30),
    )
    later = A.create_assessment(store, admin("maria"), organization.id, SMALL, "Re-assessment")
    A.set_baseline(store, admin("maria"), first.id, later.id, expected_version=first.version)
    set_response(
        store,
        admin("maria"),
        first.id,
        "4.1.a",
        Response(score=3, notes="Policy v2 seen"),
        expected_version=0,
    )
    set_response(
        store,
        admin("deniz"),
        first.id,
        "4.1.b",
        Response(score=1, finding=Finding.MINOR, finding_reason="one site only"),
        expected_version=0,
    )
    set_response(
        store,
        admin("maria"),
        first.id,
        "7.2.a",
        Response(not_applicable="no direct complaints"),
        expected_version=0,
    )
    return first.id


@pytest.fixture
def target(store: Store, tmp_path: Path, postgres_reason: str | None) -> Iterator[Store]:
    """A second, empty database of the same engine as `store`.

    On SQLite it is a new file that has never been migrated (a fresh laptop); on PostgreSQL a
    schema of its own.
    """
    if store.engine.dialect.name == "sqlite":
        opened = Store.open(f"sqlite:///{tmp_path / 'target' / 'iso10002.db'}", upgrade=False)
        yield opened
        opened.dispose()
    else:
        yield from _postgres_store(postgres_reason)


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "evidence"
    write_evidence(folder)
    return folder


# --- backup and restore ---------------------------------------------------------------------


def test_backup_then_restore_gives_the_same_rows_and_files(store, target, evidence, tmp_path):
    fill(store)
    archive = tmp_path / "backup.zip"
    made = backup(store, archive, evidence)
    assert made.tables == row_counts(store)
    assert (made.evidence_files, made.bytes) == (3, archive.stat().st_size)

    restored_evidence = tmp_path / "restored" / "evidence"
    result = restore(target, archive, restored_evidence)

    assert dump(target) == dump(store)
    assert files(restored_evidence) == files(evidence) == EVIDENCE_FILES
    assert result.tables == made.tables
    assert (result.evidence_files, result.evidence_unchanged, result.replaced) == (3, 0, False)
    assert result.schema_revision == head_revision()


def test_the_archive_holds_a_manifest_the_tables_and_the_evidence(store, evidence, tmp_path):
    fill(store)
    archive = tmp_path / "backup.zip"
    backup(store, archive, evidence)
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        members = {name: opened.read(name) for name in opened.namelist() if name != "manifest.json"}
    counts = row_counts(store)
    assert manifest["format"] == "iso10002-backup/1"
    assert manifest["engine"] == store.engine.dialect.name
    assert manifest["schema_revision"] == head_revision()
    assert manifest["package_version"] == __version__
    assert datetime.fromisoformat(manifest["created_at"]).utcoffset().total_seconds() == 0
    assert manifest["tables"] == counts
    assert set(members) == {f"tables/{t}.jsonl" for t in counts} | {
        f"evidence/{name}" for name in EVIDENCE_FILES
    }
    for name, data in members.items():
        assert manifest["members"][name] == {
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        }
    for name, data in EVIDENCE_FILES.items():
        assert members[f"evidence/{name}"] == data
    organizations = [json.loads(line) for line in members["tables/organization.jsonl"].splitlines()]
    assert [o["name"] for o in organizations] == ["Acme Water"]
    assert len(members["tables/audit_event.jsonl"].splitlines()) == counts["audit_event"]


@contextmanager
def _sqlite_store(path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{path}")
    try:
        yield opened
    finally:
        opened.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("direction", ["sqlite to postgresql", "postgresql to sqlite"])
def test_a_backup_moves_between_sqlite_and_postgresql(direction, tmp_path, postgres_reason):
    with (
        _sqlite_store(tmp_path / "laptop.db") as sqlite,
        contextmanager(_postgres_store)(postgres_reason) as postgres,
    ):
        source, destination = (
            (sqlite, postgres) if direction.startswith("sqlite") else (postgres, sqlite)
        )
        evidence = tmp_path / "evidence"
        write_evidence(evidence)
        first_assessment = fill(source)
        backup(source, tmp_path / "move.zip", evidence)

        restore(destination, tmp_path / "move.zip", tmp_path / "moved")

        assert dump(destination) == dump(source)
        assert files(tmp_path / "moved") == EVIDENCE_FILES
        # The restored database takes new rows: its id sequences were moved past the ids.
        O.create_organization(destination, admin("deniz"), "Beta Energy")
        set_response(
            destination,
            admin("deniz"),
            first_assessment,
            "7.2.a",
            Response(score=4),
            expected_version=1,
        )


def test_restore_into_a_database_with_data_is_refused_and_changes_nothing(
    store, target, evidence, tmp_path
):
    fill(store)
    backup(store, tmp_path / "backup.zip", evidence)
    fill(target, "Other Ltd")
    target_evidence = tmp_path / "target-evidence"
    write_evidence(target_evidence, {"old.txt": b"kept"})
    before = dump(target)

    with pytest.raises(
        BackupError, match=r"already holds data \(1 organization, \d+ rows in all\).*--replace"
    ):
        restore(target, tmp_path / "backup.zip", target_evidence)

    assert dump(target) == before
    assert files(target_evidence) == {"old.txt": b"kept"}


def test_restore_with_replace_replaces_the_data_and_its_history(store, target, evidence, tmp_path):
    fill(store)
    backup(store, tmp_path / "backup.zip", evidence)
    other = fill(target, "Other Ltd")
    set_response(target, admin("zoe"), other, "4.1.a", Response(score=5), expected_version=1)
    target_evidence = tmp_path / "target-evidence"
    write_evidence(
        target_evidence, {"old.txt": b"kept", "ab/ab12.pdf": EVIDENCE_FILES["ab/ab12.pdf"]}
    )

    result = restore(target, tmp_path / "backup.zip", target_evidence, replace=True)

    assert [o.name for o in O.list_organizations(target, ADMIN)] == ["Acme Water"]
    assert dump(target) == dump(store)  # the backup's audit events, and no others
    assert all(event["actor"] != "zoe" for event in dump(target)["audit_event"])
    assert (result.replaced, result.evidence_files, result.evidence_unchanged) == (True, 2, 1)
    # Files are only ever added: one the backup does not know of stays.
    assert files(target_evidence) == EVIDENCE_FILES | {"old.txt": b"kept"}
    # New rows after a restore get fresh ids (PostgreSQL sequences were reset past the ids).
    newcomer = O.create_organization(target, admin("maria"), "Gamma Rail")
    assert newcomer.id > max(row["id"] for row in dump(store)["organization"])
    set_response(target, admin("maria"), other, "7.2.a", Response(score=2), expected_version=1)
    if target.engine.dialect.name == "sqlite":
        with target.engine.connect() as connection:
            assert connection.scalar(text("PRAGMA journal_mode")) == "wal"


# --- refused archives -----------------------------------------------------------------------


def _members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def _write_zip(archive: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as opened:
        for name, data in members.items():
            opened.writestr(name, data)


def _edit_manifest(archive: Path, change: Callable[[dict[str, Any]], None]) -> None:
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    _write_zip(archive, members)


def _add_listed(archive: Path, name: str, data: bytes) -> None:
    """Add a member and list it in the manifest with its true checksum: only its name is wrong."""
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    manifest["members"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    members |= {name: data, "manifest.json": json.dumps(manifest).encode()}
    _write_zip(archive, members)


def tamper_with_a_table(archive: Path) -> None:
    members = _members(archive)
    members["tables/organization.jsonl"] = members["tables/organization.jsonl"].replace(
        b"Acme", b"Acne"
    )
    _write_zip(archive, members)


def flip_a_byte_on_disk(archive: Path) -> None:
    with zipfile.ZipFile(archive) as opened:
        info = opened.getinfo("tables/checklist_snapshot.jsonl")
    data = bytearray(archive.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    archive.write_bytes(bytes(data))


def drop_the_manifest(archive: Path) -> None:
    members = _members(archive)
    del members["manifest.json"]
    _write_zip(archive, members)


def add_an_unlisted_member(archive: Path) -> None:
    _write_zip(archive, _members(archive) | {"evidence/planted.txt": b"not from the backup"})


def make_it_not_a_zip(archive: Path) -> None:
    archive.write_text("name,score\nAcme,3\n", encoding="utf-8")


def newer_schema(manifest: dict[str, Any]) -> None:
    manifest |= {"schema_revision": "9999", "package_version": "9.0.0"}


def other_format(manifest: dict[str, Any]) -> None:
    manifest["format"] = "iso10002-assessment/1"


def lying_row_count(manifest: dict[str, Any]) -> None:
    manifest["tables"]["audit_event"] += 5


REFUSALS = [
    (
        "one byte of a table changed",
        tamper_with_a_table,
        "tables/organization.jsonl does not match the checksum",
    ),
    (
        "a byte flipped on disk",
        flip_a_byte_on_disk,
        r"tables/checklist_snapshot.jsonl (is damaged|does not match)",
    ),
    ("no manifest", drop_the_manifest, "has no manifest.json"),
    (
        "zip-slip with ..",
        lambda a: _add_listed(a, "evidence/../../escaped.txt", b"x"),
        r"unsafe name \(it climbs out",
    ),
    (
        "absolute member name",
        lambda a: _add_listed(a, "/tmp/escaped.txt", b"x"),
        r"unsafe name \(it is an absolute path",
    ),
    (
        "member not in the manifest",
        add_an_unlisted_member,
        "holds 'evidence/planted.txt', which its manifest does not list",
    ),
    ("not a zip file", make_it_not_a_zip, "is not a backup archive: it is not a zip file"),
    (
        "newer schema revision",
        lambda a: _edit_manifest(a, newer_schema),
        r"schema revision 9999 \(made by iso10002 9.0.0\).*newer version",
    ),
    (
        "another format",
        lambda a: _edit_manifest(a, other_format),
        "names format 'iso10002-assessment/1'",
    ),
    (
        "row count that does not match",
        lambda a: _edit_manifest(a, lying_row_count),
        r"audit_event.jsonl holds \d+ rows, but the manifest says",
    ),
]


@pytest.mark.parametrize(("damage", "message"), [pytest.param(d, m, id=i) for i, d, m in REFUSALS])
def test_a_faulty_archive_is_refused_and_changes_nothing(
    store, evidence, tmp_path, damage, message
):
    fill(store)
    archive = tmp_path / "backup.zip"
    backup(store, archive, evidence)
    set_response(
        store,
        admin("maria"),
        fill(store, "Later Ltd"),
        "4.1.a",
        Response(score=0),
        expected_version=1,
    )
    (evidence / "new since the backup.txt").write_bytes(b"new")
    before_rows, before_files = dump(store), files(evidence)
    damage(archive)

    # Even with replace allowed, a faulty archive must not touch the database or the folder.
    with pytest.raises(BackupError, match=message):
        restore(store, archive, evidence, replace=True)

    assert dump(store) == before_rows
    assert files(evidence) == before_files
    assert not list(tmp_path.rglob("escaped.txt"))


# --- refused backup targets, and no half-written archive ------------------------------------


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("", "is a folder"),
        ("missing/backup.zip", "does not exist"),
        ("data/evidence/backup.zip", "inside the evidence folder"),
    ],
)
def test_a_backup_target_that_cannot_work_is_refused(store, evidence, tmp_path, out, message):
    with pytest.raises(BackupError, match=message):
        backup(store, tmp_path / out, evidence)
    assert files(evidence) == EVIDENCE_FILES


def test_a_failed_backup_leaves_the_older_archive_and_no_part_file(store, evidence, tmp_path):
    fill(store)
    archive = tmp_path / "backup.zip"
    archive.write_bytes(b"yesterday's archive")
    (evidence / "scan\\1.pdf").write_bytes(b"a name restore could not place safely")

    with pytest.raises(BackupError, match=r"evidence/scan\\\\1.pdf' has an unsafe name"):
        backup(store, archive, evidence)

    assert archive.read_bytes() == b"yesterday's archive"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # no .backup.zip.*.part, no snapshot folder


# --- consistency while the app writes -------------------------------------------------------


def _archived_rows(archive: Path, table: str) -> list[dict[str, Any]]:
    with zipfile.ZipFile(archive) as opened:
        return [json.loads(line) for line in opened.read(f"tables/{table}.jsonl").splitlines()]


def test_a_backup_taken_while_responses_are_written_is_consistent(store, target, tmp_path):
    checklist = find_checklist("iso10002-2018")
    organization = O.create_organization(store, admin("maria"), "Busy Co")
    written, stop, failures = [0], threading.Event(), []

    def keep_scoring() -> None:
        try:
            score_until_stopped()
        except Exception as error:  # reported below: a thread's exception is otherwise lost
            failures.append(error)

    def score_until_stopped() -> None:
        while not stop.is_set():
            assessment = A.create_assessment(
                store, admin("ana"), organization.id, checklist, "Workshop"
            )
            for criterion in checklist.criteria:
                if stop.is_set():
                    return
                set_response(
                    store,
                    admin("ana"),
                    assessment.id,
                    criterion.id,
                    Response(score=3),
                    expected_version=0,
                )
                written[0] += 1

    writer = threading.Thread(target=keep_scoring)
    writer.start()
    archives, overlapped = [], False
    try:
        while written[0] < 10 and writer.is_alive():
            stop.wait(0.01)
        for number in range(20):
            archive = tmp_path / f"backup-{number}.zip"
            before = written[0]
            backup(store, archive, tmp_path / "no-evidence")
            archives.append(archive)
            overlapped = overlapped or written[0] > before
            if overlapped and len(archives) >= 3:
                break
    finally:
        stop.set()
        writer.join()
    assert failures == []
    assert overlapped, "no response was written while a backup ran"

    for archive in archives:
        responses = _archived_rows(archive, "response")
        audited = {
            (event["assessment_id"], event["entity_key"])
            for event in _archived_rows(archive, "audit_event")
            if event["entity"] == "response"
        }
        # One snapshot: every audited response is there, and every response is audited.
        assert {(r["assessment_id"], r["criterion_id"]) for r in responses} == audited
        with zipfile.ZipFile(archive) as opened:
            assert json.loads(opened.read("manifest.json"))["tables"]["response"] == len(responses)

    restored = restore(target, archives[-1], tmp_path / "restored-evidence")
    with target.engine.connect() as connection:
        if target.engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
        orphans = connection.scalar(
            text(
                "SELECT count(*) FROM audit_event e WHERE e.assessment_id IS NOT NULL "
                "AND NOT EXISTS (SELECT 1 FROM assessment a WHERE a.id = e.assessment_id)"
            )
        )
    assert orphans == 0
    assert (
        row_counts(target)["response"]
        == restored.tables["response"]
        == len(_archived_rows(archives[-1], "response"))
    )


# --- the command line -----------------------------------------------------------------------


def _use(monkeypatch: pytest.MonkeyPatch, store: Store, data: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", store_url(store))
    monkeypatch.setenv("ISO10002_DATA_DIR", str(data))


def test_backup_and_restore_commands(store, target, tmp_path, monkeypatch):
    fill(store)
    write_evidence(tmp_path / "laptop" / "evidence")
    archive = tmp_path / "backup.zip"
    runner = CliRunner()

    _use(monkeypatch, store, tmp_path / "laptop")
    made = runner.invoke(cli, ["backup", "--out", str(archive)])
    assert made.exit_code == 0, made.output
    assert (
        f"backed up {len(Base.metadata.tables)} tables ({sum(row_counts(store).values())} rows) and 3 evidence files"
        in made.stdout
    )
    assert f"to {archive} (" in made.stdout

    _use(monkeypatch, target, tmp_path / "server")
    restored = runner.invoke(cli, ["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert f"restored {len(Base.metadata.tables)} tables" in restored.stdout
    assert "3 evidence files (0 already present)" in restored.stdout
    assert dump(target) == dump(store)
    assert files(tmp_path / "server" / "evidence") == EVIDENCE_FILES

    again = runner.invoke(cli, ["restore", str(archive)])
    assert again.exit_code == 1
    assert again.stderr.startswith("error: the database already holds data (1 organization,")
    assert "--replace" in again.stderr
    assert "Traceback" not in again.output

    replaced = runner.invoke(cli, ["restore", str(archive), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "(3 already present)" in replaced.stdout
    assert "the previous data was replaced" in replaced.stdout


def test_commands_report_a_refused_archive_and_an_unreachable_database(tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'iso10002.db'}")
    not_an_archive = tmp_path / "notes.txt"
    not_an_archive.write_text("just notes\n", encoding="utf-8")

    refused = runner.invoke(cli, ["restore", str(not_an_archive)])
    assert refused.exit_code == 1
    assert (
        refused.stderr == f"error: {not_an_archive} is not a backup archive: it is not a zip file\n"
    )
    assert isinstance(refused.exception, SystemExit)

    nothing = runner.invoke(cli, ["backup", "--out", str(tmp_path / "b.zip")])
    assert nothing.exit_code == 1
    assert nothing.stderr.startswith("error: there is no database at ")
    assert not (tmp_path / "b.zip").exists()

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://iso:s3cret@127.0.0.1:1/iso10002")
    unreachable = runner.invoke(cli, ["backup", "--out", str(tmp_path / "b.zip")])
    assert unreachable.exit_code == 1
    assert unreachable.stderr.startswith(
        "error: the database at postgresql+psycopg://iso:***@127.0.0.1:1/iso10002 failed: OperationalError"
    )
    assert "s3cret" not in unreachable.output
    assert "Traceback" not in unreachable.output
    assert isinstance(unreachable.exception, SystemExit)
