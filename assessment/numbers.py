"""How numbers are shown to people, the same in the CLI, the app and the reports."""

from __future__ import annotations


def percent(value: float | None, digits: int = 1) -> str:
    """0.8254 -> '82.5%'; None (nothing applicable) -> '—'."""
    if value is None:
        return "—"
    text = f"{value * 100:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def decimal(value: float | None, digits: int = 2) -> str:
    """A plain number with up to `digits` decimals; None -> '—'."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text or "0"
