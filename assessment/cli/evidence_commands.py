"""`iso10002 evidence ...`: add files, links and notes to an assessment; list, review, verify."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import TypedDict

import click

from assessment.cli.errors import reports_errors
from assessment.cli.output import render_table, say
from assessment.cli.session import acting_user, configured_store
from assessment.errors import EvidenceRefused
from assessment.scoring.numbers import counted, percent, plural
from assessment.services.evidence import (
    get_evidence,
    list_evidence,
    read_file,
    set_status,
    verify_evidence,
)
from assessment.services.evidence_adding import add_file, add_link, add_note
from assessment.services.evidence_metrics import evidence_coverage, expiring
from assessment.services.vault_access import open_vault, vault_errors
from evidence.filetypes import ACCEPTED
from evidence.intake import read_upload
from evidence.limits import size_text
from evidence.records import STORED_STATUSES, EvidenceKind, EvidenceRecord, EvidenceStatus

DATE = click.DateTime(formats=["%Y-%m-%d"])
EXPIRING_DAYS = 30
SHOWN = 12  # criteria listed without evidence; --json lists them all


class _Details(TypedDict):
    """What the person said about the evidence: the same keywords for a file, a link or a note."""

    title: str | None
    description: str
    owner: str
    effective_date: date | None
    valid_until: date | None


def _date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _criteria(values: tuple[str, ...]) -> list[str]:
    """--criteria 4.1.a --criteria 7.2.a, or --criteria 4.1.a,7.2.a (or both)."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@click.group("evidence")
def evidence_group() -> None:
    """Evidence for an assessment's scores: files, links and notes; list, review, verify."""


@evidence_group.command("add")
@click.argument("assessment_id", type=int, metavar="ASSESSMENT")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--criteria",
    "criteria",
    multiple=True,
    required=True,
    help="Criterion ids it supports: repeat the option or separate ids with commas.",
)
@click.option("--link", "url", help="Add this http(s) link instead of a file.")
@click.option("--note", "note", help="Add this text as a note instead of a file.")
@click.option("--title", help="Title (default: the file name, the link or the note's first line).")
@click.option("--description", default="", help="What the record shows.")
@click.option("--owner", default="", help="Who is responsible for the record.")
@click.option("--effective", type=DATE, help="When the record was made (YYYY-MM-DD).")
@click.option("--valid-until", "valid_until", type=DATE, help="Last day it is valid (YYYY-MM-DD).")
@reports_errors
def add_command(
    assessment_id: int,
    path: Path | None,
    criteria: tuple[str, ...],
    url: str | None,
    note: str | None,
    title: str | None,
    description: str,
    owner: str,
    effective: datetime | None,
    valid_until: datetime | None,
) -> None:
    """Add a file (PATH), a link (--link) or a note (--note) as evidence for some criteria.

    A file's type is judged from its content: documents, images, text, CSV and e-mail are
    taken; programs, scripts, markup and archives are refused, and so is anything larger than
    the evidence size limit (the setting ISO10002_EVIDENCE_MAX_MB, 50 MB by default).
    """
    given = [name for name, value in (("PATH", path), ("--link", url), ("--note", note)) if value]
    if len(given) != 1:
        raise EvidenceRefused(
            "give exactly one of PATH, --link URL or --note TEXT"
            + (f" (got {' and '.join(given)})" if given else "")
        )
    common: _Details = {
        "title": title,
        "description": description,
        "owner": owner,
        "effective_date": _date(effective),
        "valid_until": _date(valid_until),
    }
    ids = _criteria(criteria)
    with configured_store() as store:
        actor = acting_user(store)
        if path is not None:
            vault = open_vault()
            with vault_errors():
                content = read_upload(path, max_bytes=vault.max_bytes)
            added = add_file(
                store, actor, assessment_id, content, path.name, ids, vault=vault, **common
            )
        elif url is not None:
            added = add_link(store, actor, assessment_id, url, ids, **common)
        else:
            added = add_note(store, actor, assessment_id, note or "", ids, **common)
    record = added.record
    say(
        f"added {record.ref} '{record.title}' ({_what(record)}) to assessment {assessment_id} "
        f"for {', '.join(record.criteria)}; status {record.status.label.lower()}"
    )
    for notice in added.notices:
        say(f"note: {notice}")


def _what(record: EvidenceRecord) -> str:
    if record.kind is EvidenceKind.FILE:
        label = next(
            (t.label for t in ACCEPTED if t.media_type == record.media_type), record.media_type
        )
        size = size_text(record.size) if record.size is not None else "size unknown"
        return f"{label}, {size}, sha256 {(record.sha256 or '')[:12]}…"
    if record.kind is EvidenceKind.LINK:
        return f"link {record.url}"
    return "note"


def _record_data(record: EvidenceRecord, today: date) -> dict[str, object]:
    return {
        "ref": record.ref,
        "kind": record.kind.value,
        "title": record.title,
        "criteria": list(record.criteria),
        "status": record.status_on(today).value,
        "stored_status": record.status.value,
        "owner": record.owner,
        "description": record.description,
        "effective_date": record.effective_date.isoformat() if record.effective_date else None,
        "valid_until": record.valid_until.isoformat() if record.valid_until else None,
        "sha256": record.sha256,
        "size": record.size,
        "media_type": record.media_type,
        "original_name": record.original_name,
        "url": record.url,
        "note": record.note,
        "version": record.version,
    }


@evidence_group.command("list")
@click.argument("assessment_id", type=int, metavar="ASSESSMENT")
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
@reports_errors
def list_command(assessment_id: int, as_json: bool) -> None:
    """List an assessment's evidence, its coverage of the scores and what expires soon."""
    today = date.today()
    with configured_store() as store:
        records = list_evidence(store, acting_user(store), assessment_id)
        coverage = evidence_coverage(store, acting_user(store), assessment_id, today)
        soon = expiring(store, acting_user(store), assessment_id, today, EXPIRING_DAYS)
    if as_json:
        payload = {
            "assessment": assessment_id,
            "today": today.isoformat(),
            "evidence": [_record_data(r, today) for r in records],
            "coverage": {
                "scored": coverage.scored,
                "supported": coverage.supported,
                "ratio": coverage.ratio,
                "unsupported": list(coverage.unsupported),
            },
            "expiring": [r.ref for r in soon],
        }
        say(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if not records:
        say(f"Assessment {assessment_id} has no evidence yet (`iso10002 evidence add`).")
    else:
        rows = [
            [
                r.ref,
                r.kind.value,
                r.status_on(today).label.lower(),
                r.title,
                ", ".join(r.criteria),
                r.valid_until.isoformat() if r.valid_until else "",
                _what(r) if r.kind is not EvidenceKind.NOTE else (r.note or "")[:40],
            ]
            for r in records
        ]
        headers = ["ref", "kind", "status", "title", "criteria", "valid until", "content"]
        say(render_table(headers, rows))
        say()
    say(
        f"Evidence coverage: {coverage.supported} of "
        f"{counted(coverage.scored, 'criterion', 'criteria')} scored above 0 "
        f"{plural(coverage.supported, 'has', 'have')} approved, unexpired evidence "
        f"({percent(coverage.ratio)})"
    )
    if coverage.unsupported:
        shown = coverage.unsupported[:SHOWN]
        more = len(coverage.unsupported) - len(shown)
        say(f"  without: {', '.join(shown)}" + (f" and {more} more" if more else ""))
    say(
        f"Expiring within {EXPIRING_DAYS} days: "
        + (", ".join(f"{r.ref} ({r.valid_until})" for r in soon) if soon else "none")
    )


@evidence_group.command("status")
@click.argument("assessment_id", type=int, metavar="ASSESSMENT")
@click.argument("ref", metavar="EVIDENCE")
@click.argument("status", type=click.Choice([s.value for s in STORED_STATUSES]), metavar="STATUS")
@click.option("--reason", default="", help="Why (needed to reject, or to withdraw an approval).")
@reports_errors
def status_command(assessment_id: int, ref: str, status: str, reason: str) -> None:
    """Move a record through review: draft, in_review, approved or rejected."""
    with configured_store() as store:
        current = get_evidence(store, acting_user(store), assessment_id, ref)
        changed = set_status(
            store,
            acting_user(store),
            assessment_id,
            ref,
            EvidenceStatus(status),
            expected_version=current.version,
            reason=reason,
        )
    say(
        f"evidence {ref} of assessment {assessment_id}: {current.status.label.lower()} -> "
        f"{changed.status.label.lower()}"
    )


@evidence_group.command("get")
@click.argument("assessment_id", type=int, metavar="ASSESSMENT")
@click.argument("ref", metavar="EVIDENCE")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="File to write, or a folder to write it in under its own name.",
)
@reports_errors
def get_command(assessment_id: int, ref: str, out: Path) -> None:
    """Write a file's content, after checking it against its SHA-256 (never a damaged file)."""
    with configured_store() as store:
        record, content = read_file(store, acting_user(store), assessment_id, ref)
    target = out / record.download_name if out.is_dir() else out
    temporary = target.with_name(f".{target.name}.part")
    try:
        temporary.write_bytes(content)
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {target}: {error.strerror or error}") from None
    say(f"wrote {ref} '{record.title}' ({size_text(len(content))}, verified) to {target}")


@evidence_group.command("verify")
@reports_errors
def verify_command() -> None:
    """Check every evidence file against its SHA-256; list what is missing or altered."""
    vault = open_vault()
    with configured_store() as store:
        result = verify_evidence(store, acting_user(store), vault)
    report = result.report
    for problem in result.problems:
        say(f"{problem.problem}: {problem.describe()}")
    extras = []
    if report.unreferenced:
        extras.append(f"{counted(len(report.unreferenced), 'intact file')} no record uses")
    if report.stray:
        extras.append(f"{counted(len(report.stray), 'other file')} (not named by a hash)")
    summary = (
        f"{counted(result.records, 'file record')}, "
        f"{counted(report.checked, 'file')} in {vault.location} checked"
    ) + (f"; {'; '.join(extras)}" if extras else "")
    if result.problems:
        say(f"{counted(len(result.problems), 'problem')} found: {summary}")
        raise SystemExit(1)
    say(f"ok: every file is intact ({summary})")
