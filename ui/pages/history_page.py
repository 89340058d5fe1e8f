"""History: the audit trail of the chosen assessment, for internal auditors.

Who scored what and when: every change to a response, action, evidence record or the
assessment itself, filtered by criterion, person and span of days (the service does the
filtering), with the filtered trail as a CSV file.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import streamlit as st

from assessment.errors import UserError
from assessment.reports.csv_export import csv_bytes
from assessment.services.assessments import AssessmentRecord, open_assessment
from assessment.services.audit import Event, event_users, events
from assessment.storage.store import Store
from assessment.timestamps import as_utc
from ui.components.database import app_store
from ui.components.identity import current_actor
from ui.components.markdown import md_escape
from ui.components.selection import page_heading, selected_assessment

TABLE_KEY = "history_table"
DOWNLOAD_KEY = "history_download"
SHORT = 80  # characters of a before/after value shown in the table
QUESTION = 60  # characters of a criterion's question shown in the filter

CSV_HEADER = ("at_utc", "actor", "entity", "entity_key", "field", "before", "after")


# --- values -----------------------------------------------------------------------------------


def readable(value: object) -> str:
    """A stored before/after value (JSON: text, number, yes/no, list) as a person reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "; ".join(readable(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def shortened(text: str, limit: int = SHORT) -> str:
    """One line of at most `limit` characters, ending in "…" when something was cut."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def what(event: Event) -> str:
    """The record an event changed: "response 7.4.b", "action A3", "evidence E12", "assessment"."""
    if event.entity == "assessment":
        return "assessment"
    return f"{event.entity} {event.entity_key}".strip()


def browser_zone() -> ZoneInfo | None:
    """The reader's time zone as the browser reports it (None when unknown or UTC itself)."""
    name = st.context.timezone
    if not name:
        return None
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return None if name in ("UTC", "Etc/UTC", "Etc/GMT", "GMT") else zone


def when(moment: datetime, zone: ZoneInfo | None) -> str:
    """A stored time, readable: local time with UTC beside it, or UTC alone."""
    utc = as_utc(moment)
    if zone is None:
        return f"{utc:%Y-%m-%d %H:%M:%S} UTC"
    local = utc.astimezone(zone)
    utc_part = f"{utc:%H:%M:%S}" if utc.date() == local.date() else f"{utc:%Y-%m-%d %H:%M:%S}"
    return f"{local:%Y-%m-%d %H:%M:%S} ({utc_part} UTC)"


def _day(moment: datetime, zone: ZoneInfo | None) -> date:
    utc = as_utc(moment)
    return (utc.astimezone(zone) if zone is not None else utc).date()


# --- table and file ---------------------------------------------------------------------------


def table(trail: list[Event], zone: ZoneInfo | None) -> pd.DataFrame:
    """The events as shown on the page: newest first, long values cut to one short line."""
    return pd.DataFrame(
        [
            {
                "When": when(e.at, zone),
                "Who": e.actor,
                "What": what(e),
                "Field": e.field.replace("_", " "),
                "Before": shortened(readable(e.before)),
                "After": shortened(readable(e.after)),
            }
            for e in reversed(trail)
        ],
        columns=["When", "Who", "What", "Field", "Before", "After"],
    )


def _csv_value(value: object) -> object:
    """Numbers stay numbers, so a spreadsheet can sum them; everything else is readable text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return readable(value)


def history_csv(trail: list[Event]) -> bytes:
    """The trail oldest first, in full, through the project's one CSV writer (which
    neutralizes every text cell against spreadsheet formulas)."""
    rows = [
        [
            as_utc(e.at).isoformat(timespec="seconds").replace("+00:00", "Z"),
            e.actor,
            e.entity,
            e.entity_key,
            e.field,
            _csv_value(e.before),
            _csv_value(e.after),
        ]
        for e in trail
    ]
    return csv_bytes(CSV_HEADER, rows)


def summary(trail: list[Event], zone: ZoneInfo | None) -> str:
    people = len({e.actor for e in trail})
    first, last = _day(trail[0].at, zone), _day(trail[-1].at, zone)
    span = f"on {first.isoformat()}" if first == last else f"from {first} to {last}"
    return (
        f"{len(trail)} {'event' if len(trail) == 1 else 'events'}, by {people} "
        f"{'person' if people == 1 else 'people'}, {span}."
    )


# --- page -------------------------------------------------------------------------------------


def _filters(
    store: Store, record: AssessmentRecord
) -> tuple[str | None, str | None, date | None, date | None]:
    actor = current_actor()
    criteria = {
        c.id: c.question for c in open_assessment(store, actor, record.id).checklist.criteria
    }
    users = event_users(store, actor, record.id)
    left, middle = st.columns(2)
    criterion = left.selectbox(
        "Criterion",
        [None, *criteria],
        format_func=lambda c: "all" if c is None else f"{c} · {shortened(criteria[c], QUESTION)}",
        key=f"history_criterion_{record.id}",
        help="One criterion shows the changes to its response: score, notes, N/A, finding.",
    )
    user = middle.selectbox(
        "Who",
        [None, *users],
        format_func=lambda u: "everyone" if u is None else u,
        key=f"history_user_{record.id}",
    )
    left, middle = st.columns(2)
    since = left.date_input("From", value=None, key="history_since", format="YYYY-MM-DD")
    until = middle.date_input("Until", value=None, key="history_until", format="YYYY-MM-DD")
    st.caption("Days are UTC days; both ends are included.")
    return criterion, user, since, until


def _full_event(shown: list[Event], rows: list[int], zone: ZoneInfo | None) -> None:
    if not rows or not 0 <= rows[0] < len(shown):
        st.caption("Select a row to see that change in full.")
        return
    event = shown[rows[0]]
    with st.container(border=True):
        st.markdown("**The change in full**")
        st.text(f"When: {when(event.at, zone)}")
        st.text(f"Who: {event.actor}")
        st.text(f"What: {what(event)}, {event.field.replace('_', ' ')}")
        st.text(f"Before: {readable(event.before) or '(nothing)'}")
        st.text(f"After: {readable(event.after) or '(nothing)'}")


def render() -> None:
    store = app_store()
    record = selected_assessment(store)
    page_heading("History", record)
    if record is None:
        st.info(
            "There are no assessments to show the history of. Load the demo data or import an "
            "assessment on the Portfolio page, or ask to be added to an organization."
        )
        return
    try:
        criterion, user, since, until = _filters(store, record)
        if since is not None and until is not None and since > until:
            st.warning("The 'From' day is after the 'Until' day: no change can match.")
            return
        trail = events(
            store,
            current_actor(),
            record.id,
            criterion_id=criterion,
            user=user,
            since=since,
            until=until,
        )
    except UserError as error:
        st.warning(f"The history of this assessment cannot be shown: {md_escape(str(error))}")
        return
    if not trail:
        st.info("No change matches these filters. Widen the days, or choose all criteria.")
        return
    zone = browser_zone()
    st.markdown(md_escape(summary(trail, zone)))
    shown = list(reversed(trail))
    zone_note = f"your time zone ({zone.key}), with UTC" if zone is not None else "UTC"
    st.caption(
        f"Newest first; times in {md_escape(zone_note)}. Long values are cut short in the table."
    )
    state = st.dataframe(
        table(trail, zone),
        hide_index=True,
        width="stretch",
        key=TABLE_KEY,
        on_select="rerun",
        selection_mode="single-row",
        # Room for what changed: the before and after values matter more than a long name.
        column_config={
            "When": st.column_config.TextColumn(width="medium"),
            "Who": st.column_config.TextColumn(width="medium"),
            "What": st.column_config.TextColumn(width="small"),
            "Field": st.column_config.TextColumn(width="small"),
            "Before": st.column_config.TextColumn(width="medium"),
            "After": st.column_config.TextColumn(width="medium"),
        },
    )
    _full_event(shown, list(state.selection.rows), zone)
    st.download_button(
        "Download these events (CSV)",
        data=partial(history_csv, trail),  # built when clicked, not on every rerun
        file_name=f"assessment-{record.id}-history.csv",
        mime="text/csv",
        key=DOWNLOAD_KEY,
        help="Oldest first, values in full, times in UTC.",
    )
