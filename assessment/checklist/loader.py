"""The one way to read a checklist: from a file, from embedded data, or by id.

Every fault in a file is reported at once, each with file, line and column, and nothing here
raises anything but `ChecklistError` (or `ChecklistNotFound` for an unknown id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from assessment.checklist.model import CHECKLIST_FORMAT, ID_PATTERN, Checklist
from assessment.checklist.rules import checklist_rule_faults, describe
from assessment.errors import ChecklistError, ChecklistNotFound, Fault
from assessment.files.sourcemap import DataPath, LoadedDocument, SourceMap, load_file, load_text
from assessment.files.validation import validate_model
from assessment.settings import CHECKLISTS_DIR


def _builtin_dir() -> Path:
    """The folder of the built-in checklists, for an installed wheel and a source checkout alike.

    The repository keeps them in one place, the top-level `checklists/` folder. A wheel carries
    that folder as the package data `assessment/checklist/builtin/` (pyproject.toml maps it), so
    an installation has no source tree to look in. A checkout, editable install or not, has no
    such folder inside the package and uses the top-level one beside the code that is running.
    (Importing `assessment.checklist.builtin` would not do: under an editable install it names
    the installed checkout's folder even while another checkout's code runs.)
    """
    shipped = files("assessment.checklist") / "builtin"
    if isinstance(shipped, Path) and shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "checklists"


BUILTIN_DIR = _builtin_dir()


def checklist_dirs() -> list[Path]:
    """Where checklists are looked up by id: ISO10002_CHECKLISTS_DIR (os.pathsep list) first."""
    return [*CHECKLISTS_DIR.paths(), BUILTIN_DIR]


def checklist_from_data(
    data: Any, source: SourceMap, *, prefix: DataPath = (), file_stem: str | None = None
) -> Checklist:
    """Validate raw checklist data; raise ChecklistError with every fault found."""
    node = data
    if not isinstance(node, dict):
        raise ChecklistError(
            [
                source.fault(
                    prefix,
                    "a checklist must be a mapping of keys (format, id, title, ..., clauses)",
                )
            ]
        )
    declared = node.get("format")
    if declared is not None and declared != CHECKLIST_FORMAT:
        raise ChecklistError(
            [
                source.fault(
                    (*prefix, "format"),
                    f"this is not a checklist: format is '{declared}', expected '{CHECKLIST_FORMAT}'",
                )
            ]
        )
    checklist, faults = validate_model(
        Checklist, node, source, prefix=prefix, describe=lambda path: describe(node, path)
    )
    faults += checklist_rule_faults(node, source, prefix)
    cid = node.get("id")
    if file_stem is not None and isinstance(cid, str) and cid != file_stem:
        faults.append(
            source.fault(
                (*prefix, "id"),
                f"the file is named '{file_stem}' but its id is '{cid}'; rename the file to '{cid}.yaml' or change the id",
            )
        )
    if faults or checklist is None:
        raise ChecklistError(_unique(faults))
    return checklist


def _unique(faults: list[Fault]) -> list[Fault]:
    return list(dict.fromkeys(faults))


def load_checklist(path: Path | str) -> Checklist:
    """Load and validate one checklist file; its name must be `<id>.yaml`."""
    path = Path(path)
    document = load_file(path)
    if document.data is None:
        raise ChecklistError(document.faults)
    return _checked(document, file_stem=path.stem)


def checklist_from_text(text: str, name: str, *, file_stem: str | None = None) -> Checklist:
    """Validate checklist text (an upload, a test); `name` is what fault messages call it."""
    document = load_text(text, name)
    if document.data is None:
        raise ChecklistError(document.faults)
    return _checked(document, file_stem=file_stem)


def _checked(document: LoadedDocument, *, file_stem: str | None) -> Checklist:
    """The checklist of a parsed document, or every fault: the document's own and the schema's."""
    try:
        checklist = checklist_from_data(document.data, document.source, file_stem=file_stem)
    except ChecklistError as error:
        raise ChecklistError(document.faults + error.faults) from None
    if document.faults:
        raise ChecklistError(document.faults)
    return checklist


def checklist_file_faults(path: Path | str) -> list[Fault]:
    """Every fault of a checklist file; an empty list means it is valid."""
    try:
        load_checklist(path)
    except ChecklistError as error:
        return error.faults
    return []


@dataclass(frozen=True)
class ChecklistFile:
    path: Path
    checklist: Checklist


def available_checklists() -> list[ChecklistFile]:
    """Valid checklists in the lookup folders, newest edition first (first folder wins an id)."""
    found: dict[str, ChecklistFile] = {}
    for folder in checklist_dirs():
        for path in sorted(folder.glob("*.yaml")):
            try:
                checklist = load_checklist(path)
            except ChecklistError:
                continue
            found.setdefault(checklist.id, ChecklistFile(path, checklist))
    edition_order = lambda f: (f.checklist.standard, f.checklist.edition, f.checklist.id)  # noqa: E731
    return sorted(found.values(), key=edition_order, reverse=True)


def find_checklist_path(id_or_path: str) -> Path:
    """A path as given, or `<id>.yaml` in the first lookup folder that has it."""
    candidate = Path(id_or_path)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists():
        if not candidate.exists():
            raise ChecklistNotFound(f"no checklist file at {candidate}")
        return candidate
    return installed_checklist_path(id_or_path)


def installed_checklist_path(checklist_id: str) -> Path:
    """`<id>.yaml` in the first lookup folder that has it; never a path the caller made up.

    A file from elsewhere (an upload, an import) names its checklist this way, so what it
    names cannot reach outside the checklist folders.
    """
    if not re.fullmatch(ID_PATTERN, checklist_id):
        raise ChecklistNotFound(f"'{checklist_id}' is not a checklist id")
    for folder in checklist_dirs():
        path = folder / f"{checklist_id}.yaml"
        if path.is_file():
            return path
    searched = ", ".join(str(d) for d in checklist_dirs())
    raise ChecklistNotFound(f"no checklist with id '{checklist_id}' (looked in {searched})")


def find_checklist(id_or_path: str) -> Checklist:
    return load_checklist(find_checklist_path(id_or_path))
