"""docs/scoring.md tells the truth: every worked example, scored by the engine, gives the
figures the page states, and every citation of the page names one of its sections."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessment.checklist.loader import checklist_from_text
from assessment.portable.assessment_file import load_assessment_file
from assessment.scoring.comparison import Comparison, compare_scores
from assessment.scoring.engine import AssessmentScore, score_assessment
from assessment.scoring.numbers import percent, points
from tests.conftest import REPO

DOC_PATH = REPO / "docs" / "scoring.md"
DOC = DOC_PATH.read_text(encoding="utf-8")

# ```yaml checklist, ```yaml example=NAME, ```yaml baseline=NAME, ```yaml expected=NAME
FENCE = re.compile(
    r"^```yaml (checklist|example|baseline|expected)(?:=([\w-]+))?\n(.*?)^```$",
    re.MULTILINE | re.DOTALL,
)


@dataclass
class Example:
    name: str
    blocks: dict[str, str] = field(default_factory=dict)


def _parse() -> tuple[str, dict[str, Example]]:
    checklists, examples = [], {}
    for role, name, body in FENCE.findall(DOC):
        if role == "checklist":
            checklists.append(body)
            continue
        assert name, f"a ```yaml {role} block needs a name: ```yaml {role}=NAME"
        example = examples.setdefault(name, Example(name))
        assert role not in example.blocks, f"example {name} has two {role} blocks"
        example.blocks[role] = body
    assert len(checklists) == 1, "the page has one example checklist"
    return checklists[0], examples


CHECKLIST_TEXT, EXAMPLES = _parse()


def test_the_page_has_worked_examples_each_with_its_figures():
    assert len(EXAMPLES) >= 3
    for example in EXAMPLES.values():
        assert {"example", "expected"} <= example.blocks.keys(), example.name


def score_file(path: Path) -> AssessmentScore:
    """Score a portable file exactly as `iso10002 score` does: with its actions, and with the
    evidence as it stands today."""
    loaded = load_assessment_file(path)
    a = loaded.assessment
    return score_assessment(
        loaded.checklist,
        a.scoring_responses(),
        a.action_links(),
        supported=a.supported_criteria(date.today()),
    )


def fraction(value: Any) -> float | None:
    """A figure as the page writes it: a number, a fraction such as '13/18', or null."""
    if value is None:
        return None
    assert not isinstance(value, bool), f"{value!r} is not a figure"
    return float(Fraction(str(value)))


class Checker:
    """Compares stated figures with computed ones and collects every difference."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.differences: list[str] = []

    def same(self, what: str, got: Any, stated: Any) -> None:
        if got != stated:
            self.differences.append(f"{what}: the page says {stated!r}, the engine gives {got!r}")

    def close(self, what: str, got: float | None, stated: Any) -> None:
        want = fraction(stated)
        if (got is None) != (want is None) or (
            got is not None and want is not None and abs(got - want) > 1e-9
        ):
            self.differences.append(f"{what}: the page says {stated}, the engine gives {got!r}")

    def keys(self, what: str, given: dict[str, Any], allowed: set[str]) -> None:
        unknown = set(given) - allowed
        assert not unknown, f"{self.name}: {what} has keys the test does not know: {unknown}"


def check_score(check: Checker, score: AssessmentScore, expected: dict[str, Any]) -> None:
    overall = score.overall
    check.close("readiness", overall.readiness, expected["readiness"])
    check.close("completion", overall.completion, expected["completion"])
    check.same("verdict", overall.verdict.value, expected["verdict"])
    if "state" in expected:
        check.same("state", score.progress.state.value, expected["state"])
    stated_reasons = [r if isinstance(r, dict) else {"kind": r} for r in expected["reasons"]]
    check.same(
        "reason kinds", [r.kind.value for r in overall.reasons], [r["kind"] for r in stated_reasons]
    )
    for got, stated in zip(overall.reasons, stated_reasons, strict=False):
        check.keys("a reason", stated, {"kind", "criteria"})
        if "criteria" in stated:
            check.same(f"criteria of {got.kind.value}", list(got.criteria), stated["criteria"])
    for ref, stated in expected.get("clauses", {}).items():
        clause = score.clause(ref)
        stated = stated if isinstance(stated, dict) else {"readiness": stated}
        check.keys(f"clause {ref}", stated, {"readiness", "mean_score", "state", *_COUNTS})
        if "readiness" in stated:
            check.close(f"readiness of {ref}", clause.readiness, stated["readiness"])
        if "mean_score" in stated:
            check.close(f"mean score of {ref}", clause.mean_score, stated["mean_score"])
        if "state" in stated:
            check.same(f"state of {ref}", clause.progress.state.value, stated["state"])
        for count in _COUNTS & stated.keys():
            check.same(f"{count} of {ref}", getattr(clause, count), stated[count])
    for cid, stated in expected.get("criteria", {}).items():
        criterion = score.criterion(cid)
        check.keys(f"criterion {cid}", stated, {"attainment", "gap", "finding", "overridden"})
        if "attainment" in stated:
            check.close(f"attainment of {cid}", criterion.attainment, stated["attainment"])
        if "gap" in stated:
            check.same(f"gap of {cid}", criterion.gap, stated["gap"])
        if "finding" in stated:
            finding = criterion.finding.value if criterion.finding else None
            check.same(f"finding of {cid}", finding, stated["finding"])
        if "overridden" in stated:
            check.same(f"override of {cid}", criterion.finding_overridden, stated["overridden"])
    shown = expected.get("shown", {})
    check.keys("shown", shown, {"readiness", "completion"})
    if "readiness" in shown:
        check.same("readiness shown", percent(overall.readiness), shown["readiness"])
    if "completion" in shown:
        check.same("completion shown", percent(overall.completion), shown["completion"])


_COUNTS = {"answered", "applicable", "total"}


def check_comparison(check: Checker, comparison: Comparison, expected: dict[str, Any]) -> None:
    check.keys(
        "comparison",
        expected,
        {"readiness_before", "readiness_after", "readiness_delta", "points", "clauses", "criteria"},
    )
    for key in ("readiness_before", "readiness_after", "readiness_delta"):
        if key in expected:
            check.close(key, getattr(comparison, key), expected[key])
    if "points" in expected:
        check.same("points", points(comparison.readiness_delta), expected["points"])
    deltas = {c.ref: c for c in comparison.clauses}
    for ref, stated in expected.get("clauses", {}).items():
        check.keys(f"compared clause {ref}", stated, {"before", "after", "delta", "points"})
        for key in ("before", "after", "delta"):
            if key in stated:
                check.close(f"{key} of {ref}", getattr(deltas[ref], key), stated[key])
        if "points" in stated:
            check.same(f"points of {ref}", points(deltas[ref].delta), stated["points"])
    changes = {c.id: c for c in comparison.criteria}
    for cid, stated in expected.get("criteria", {}).items():
        check.keys(f"compared criterion {cid}", stated, {"change", "delta"})
        check.same(f"change of {cid}", changes[cid].change.value, stated["change"])
        if "delta" in stated:
            check.same(f"score delta of {cid}", changes[cid].delta, stated["delta"])


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_worked_example_gives_the_figures_the_page_states(name: str, tmp_path: Path):
    example = EXAMPLES[name]
    checklist = checklist_from_text(CHECKLIST_TEXT, "docs/scoring.md checklist")
    (tmp_path / f"{checklist.id}.yaml").write_text(CHECKLIST_TEXT, encoding="utf-8")
    expected = yaml.safe_load(example.blocks["expected"])
    check = Checker(name)
    check.keys(
        "the expected block",
        expected,
        {
            "readiness",
            "completion",
            "verdict",
            "reasons",
            "state",
            "clauses",
            "criteria",
            "shown",
            "comparison",
        },
    )
    missing = {"readiness", "completion", "verdict", "reasons"} - expected.keys()
    assert not missing, f"example {name} does not state {missing}"

    current_path = tmp_path / "example.yaml"
    current_path.write_text(example.blocks["example"], encoding="utf-8")
    current = score_file(current_path)
    check_score(check, current, expected)

    assert ("comparison" in expected) == ("baseline" in example.blocks), (
        f"example {name}: a comparison needs a baseline block, and a baseline its figures"
    )
    if "baseline" in example.blocks:
        baseline_path = tmp_path / "baseline.yaml"
        baseline_path.write_text(example.blocks["baseline"], encoding="utf-8")
        check_comparison(
            check, compare_scores(current, score_file(baseline_path)), expected["comparison"]
        )
    if check.differences:
        pytest.fail(f"example {name}:\n" + "\n".join(check.differences))


def _headings() -> set[str]:
    return {line.lstrip("#").strip() for line in DOC.splitlines() if line.startswith("## ")}


def _citing_files() -> list[Path]:
    return [
        *sorted((REPO / "assessment").rglob("*.py")),
        *sorted((REPO / "tests").rglob("*.py")),
        REPO / "README.md",
    ]


def test_every_citation_of_the_page_names_one_of_its_sections():
    headings = _headings()
    cited: list[tuple[str, str]] = []
    for path in _citing_files():
        text = path.read_text(encoding="utf-8")
        for names in re.findall(r'docs/scoring\.md((?:,\s*"[^"]+")+)', text):
            where = path.relative_to(REPO).as_posix()
            cited += [(where, section) for section in re.findall(r'"([^"]+)"', names)]
    assert {"Findings", "Verdict", "Responses"} <= {section for _, section in cited}
    assert [(where, s) for where, s in cited if s not in headings] == []


def test_no_citation_of_a_missing_design_document():
    stale = [
        path.relative_to(REPO).as_posix()
        for path in _citing_files()
        if "design" + ".md" in path.read_text(encoding="utf-8")
    ]
    assert stale == []
