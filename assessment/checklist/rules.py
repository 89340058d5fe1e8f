"""Rules that span more than one field of a checklist, checked on the raw YAML data.

They run on the raw data (not the pydantic model) so that they still report when another
part of the file has a type error: a user sees the duplicate id *and* the misspelt key.
Each rule reads defensively and skips what it cannot interpret; the type check reports that.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Any, TypeGuard

from assessment.checklist.model import DEFAULT_SCALE
from assessment.errors import Fault
from assessment.files.sourcemap import DataPath, SourceMap


# TypeGuard, not TypeIs: a bool is an int to Python, so a value these refuse is not thereby
# known to be a non-int.
def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def describe(data: Any, path: DataPath) -> str:
    """Name the clause or criterion a path points into ("criterion 4.2.a"), for messages."""
    label, node = "", data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            if isinstance(node.get("id"), str) and isinstance(part, int):
                label = f"criterion {node['id']}"
            elif isinstance(node.get("ref"), str) and isinstance(part, int):
                label = f"clause {node['ref']}"
            elif part in {"scale", "readiness"}:
                label = str(part)
    return label


def walk_raw_clauses(data: Any, base: DataPath = ()) -> Iterator[tuple[DataPath, dict[str, Any]]]:
    """(path, clause mapping) for every clause mapping in the raw tree."""
    clauses = data.get("clauses") if isinstance(data, dict) else None
    if not isinstance(clauses, list):
        return
    for index, clause in enumerate(clauses):
        if isinstance(clause, dict):
            path = (*base, "clauses", index)
            yield path, clause
            yield from walk_raw_clauses(clause, path)


def scale_bounds(data: Any) -> tuple[int, int]:
    """The lowest and highest level of the file's scale, or of the default scale."""
    scale = data.get("scale") if isinstance(data, dict) else None
    levels = scale.get("levels") if isinstance(scale, dict) else None
    given = (
        [lv.get("value") for lv in levels if isinstance(lv, dict)]
        if isinstance(levels, list)
        else []
    )
    values = [v for v in given if _is_int(v)]
    if not isinstance(scale, dict):
        values = DEFAULT_SCALE.values
    return (min(values), max(values)) if values else (0, 0)


def _missing_levels(values: list[int], shown: int = 10) -> str:
    """The levels missing between the sorted `values`, the first few of them written out.

    Counted gap by gap: levels 0 and 10**15 miss a quadrillion values, which must not be
    listed (or held in memory) to say so.
    """
    missing: list[int] = []
    total = 0
    for low, high in pairwise(values):
        total += high - low - 1
        room = shown - len(missing)
        missing.extend(range(low + 1, min(high, low + 1 + room)))
    more = total - len(missing)
    return ", ".join(str(v) for v in missing) + (f" and {more:,} more" if more else "")


def _scale_faults(data: dict[str, Any], source: SourceMap, prefix: DataPath) -> list[Fault]:
    scale = data.get("scale")
    if not isinstance(scale, dict):
        return []
    faults: list[Fault] = []
    levels = scale.get("levels")
    seen: dict[int, int] = {}
    if isinstance(levels, list):
        for index, level in enumerate(levels):
            value = level.get("value") if isinstance(level, dict) else None
            if not _is_int(value):
                continue
            path = (*prefix, "scale", "levels", index, "value")
            if value in seen:
                first = source.locate((*prefix, "scale", "levels", seen[value], "value")).line
                faults.append(
                    source.fault(
                        path, f"scale: level {value} is given twice (first on line {first})"
                    )
                )
            else:
                seen[value] = index
        values = sorted(seen)
        if values and values != list(range(values[0], values[0] + len(values))):
            faults.append(
                source.fault(
                    (*prefix, "scale", "levels"),
                    f"scale: levels must be whole numbers with no gaps; {_missing_levels(values)} missing",
                    key=True,
                )
            )
        elif values and values[0] != 0:
            faults.append(
                source.fault(
                    (*prefix, "scale", "levels"),
                    f"scale: levels must start at 0 (nothing in place), not {values[0]}",
                    key=True,
                )
            )
    low, high = scale_bounds(data)
    threshold = scale.get("pass_threshold")
    if _is_int(threshold) and seen and not (max(low, 1) <= threshold <= high):
        faults.append(
            source.fault(
                (*prefix, "scale", "pass_threshold"),
                f"scale: pass_threshold {threshold} is outside the scale ({max(low, 1)} to {high})",
            )
        )
    major_gap = scale.get("major_gap")
    if _is_int(major_gap) and seen and major_gap > high - low:
        faults.append(
            source.fault(
                (*prefix, "scale", "major_gap"),
                f"scale: major_gap {major_gap} is larger than the whole scale ({high - low}), so no finding could ever be major",
            )
        )
    return faults


def _readiness_faults(data: dict[str, Any], source: SourceMap, prefix: DataPath) -> list[Fault]:
    readiness = data.get("readiness")
    if not isinstance(readiness, dict):
        return []
    ready, conditional = readiness.get("ready_at"), readiness.get("conditional_at")
    if _is_number(ready) and _is_number(conditional) and ready < conditional:
        return [
            source.fault(
                (*prefix, "readiness", "ready_at"),
                f"readiness: ready_at ({ready}) is below conditional_at ({conditional}); ready must be the higher bar",
            )
        ]
    return []


def _tree_faults(data: dict[str, Any], source: SourceMap, prefix: DataPath) -> list[Fault]:
    faults: list[Fault] = []
    refs: dict[str, DataPath] = {}
    ids: dict[str, DataPath] = {}
    low, high = scale_bounds(data)
    for path, clause in walk_raw_clauses(data, prefix):
        ref = clause.get("ref")
        name = f"clause {ref}" if isinstance(ref, str) else "clause"
        if isinstance(ref, str):
            if ref in refs:
                first = source.locate((*refs[ref], "ref")).line
                faults.append(
                    source.fault(
                        (*path, "ref"), f"clause ref '{ref}' is used twice (first on line {first})"
                    )
                )
            else:
                refs[ref] = path
        if not clause.get("criteria") and not clause.get("clauses"):
            faults.append(source.fault(path, f"{name} has neither criteria nor sub-clauses"))
        criteria = clause.get("criteria")
        for index, criterion in enumerate(criteria if isinstance(criteria, list) else []):
            if not isinstance(criterion, dict):
                continue
            cpath = (*path, "criteria", index)
            cid = criterion.get("id")
            if isinstance(cid, str):
                if cid in ids:
                    first = source.locate((*ids[cid], "id")).line
                    faults.append(
                        source.fault(
                            (*cpath, "id"),
                            f"criterion id '{cid}' is used twice (first on line {first})",
                        )
                    )
                else:
                    ids[cid] = cpath
            target = criterion.get("target")
            if _is_int(target) and not (max(low, 1) <= target <= high):
                label = f"criterion {cid}" if isinstance(cid, str) else "criterion"
                faults.append(
                    source.fault(
                        (*cpath, "target"),
                        f"{label}: target {target} is outside the scale ({max(low, 1)} to {high})",
                    )
                )
    return faults


def checklist_rule_faults(data: Any, source: SourceMap, prefix: DataPath = ()) -> list[Fault]:
    """Every cross-field fault in a raw checklist mapping."""
    if not isinstance(data, dict):
        return []
    return [
        *_scale_faults(data, source, prefix),
        *_readiness_faults(data, source, prefix),
        *_tree_faults(data, source, prefix),
    ]
