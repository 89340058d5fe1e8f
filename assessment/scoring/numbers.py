"""How numbers are shown to people, the same in the CLI, the app and the reports.

One formatter per kind of number, so a readiness reads the same everywhere: always the same
number of decimals (82.5%, 5.0%, 100.0%), no space before the sign, and '—' for "nothing to
show"; and a count always agrees with its noun (1 file, 2 files).
"""

from __future__ import annotations

NOTHING = "—"


def percent(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage with exactly `digits` decimals: 0.8254 -> '82.5%',
    0.05 -> '5.0%' ('5%' with digits=0); None (nothing applicable) -> '—'."""
    if value is None:
        return NOTHING
    return f"{_unsigned_zero(value * 100, digits):.{digits}f}%"


def points(delta: float | None) -> str:
    """A change between two fractions in percentage points, always signed and with one
    decimal: 0.11 -> '+11.0 pt', -0.222 -> '-22.2 pt', no change -> '+0.0 pt'; None (one side
    has nothing to compare) -> '—'."""
    if delta is None:
        return NOTHING
    return f"{_unsigned_zero(delta * 100, 1):+.1f} pt"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """The word that goes with `count`: the singular for exactly one, else the plural (the
    singular with an 's' unless `plural_form` is given). For verbs and pronouns too, so a
    sentence agrees with its number: plural(n, "has", "have"), plural(n, "it", "them")."""
    if count == 1:
        return singular
    return plural_form if plural_form is not None else singular + "s"


def counted(count: int, singular: str, plural_form: str | None = None) -> str:
    """A count with its noun: '1 file', '0 files', '3 criteria' (counted(3, "criterion",
    "criteria")); never '1 files' or 'file(s)'."""
    return f"{count} {plural(count, singular, plural_form)}"


def decimal(value: float | None, digits: int = 2) -> str:
    """A plain number with up to `digits` decimals; None -> '—'."""
    if value is None:
        return NOTHING
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text or "0"


def _unsigned_zero(value: float, digits: int) -> float:
    """A value that rounds to zero is zero: never '-0.0%' or '-0.0 pt' for a tiny float error."""
    return 0.0 if round(value, digits) == 0 else value


def with_article(noun: str) -> str:
    """'an assessor', 'a viewer': the noun with its indefinite article."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"
