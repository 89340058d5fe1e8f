"""Importing a complaint register in the app: upload, confirm the column mapping, import.

The mapping is the one remembered for the organization, else the one guessed from the headers;
the person confirms or corrects each field, says which columns hold personal data to leave
out, and imports. A refused register lists every bad cell (FILE:ROW:COLUMN or Sheet!B12) and
nothing is stored. This component owns the session-state keys starting with `register_`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assessment.complaints.fields import FIELDS, looks_personal
from assessment.complaints.register import SAMPLE_ROWS, ColumnMapping, read_table
from assessment.complaints.values import DateOrder
from assessment.errors import RegisterRefused, UserError
from assessment.services.complaints import import_register, register_mapping
from assessment.storage.store import Store
from ui.components import notices
from ui.components.identity import current_actor
from ui.components.markdown import md_escape

UPLOAD_KEY = "register_upload"
NOTICE_KEY = "register_import"
NOT_IN_FILE = "(not in the register)"


def _field_key(name: str) -> str:
    return f"register_field_{name}"


def register_import(store: Store, organization_id: int, *, expanded: bool) -> None:
    notices.show(NOTICE_KEY)
    with st.expander("Import a complaint register", expanded=expanded):
        st.caption(
            "A CSV or Excel export of your helpdesk, CRM or spreadsheet. Only the fields below "
            "are kept; names, contacts and descriptions never are. Rows already imported (same "
            "reference) are updated."
        )
        upload = st.file_uploader(
            "Register (CSV or Excel)", type=["csv", "txt", "xlsx"], key=UPLOAD_KEY
        )
        if upload is None:
            return
        content = upload.getvalue()
        try:
            table = read_table(Path(upload.name), content)
        except UserError as error:
            st.error(md_escape(str(error)))
            return
        remembered = register_mapping(store, current_actor(), organization_id, table.headers)
        st.markdown(
            f"**{len(table.rows):,} rows** · columns: {md_escape(', '.join(table.headers))}"
        )
        choices = [NOT_IN_FILE, *table.headers]
        columns: dict[str, str] = {}
        left, right = st.columns(2)
        for index, field in enumerate(FIELDS):
            guessed = remembered.columns.get(field.name)
            chosen = (left if index % 2 == 0 else right).selectbox(
                field.label + (" (needed)" if field.name == "received" else ""),
                choices,
                index=choices.index(guessed) if guessed in choices else 0,
                key=_field_key(field.name),
            )
            if chosen != NOT_IN_FILE:
                columns[field.name] = chosen
        personal = [
            header
            for i, header in enumerate(table.headers)
            if header not in columns.values()
            and looks_personal(
                header,
                [str(r[i]) for r in table.rows[:SAMPLE_ROWS] if i < len(r) and r[i] is not None],
            )
        ]
        ignore = st.multiselect(
            "Columns with personal data to leave out (never stored)",
            [h for h in table.headers if h not in columns.values()],
            default=personal,
            key="register_ignore",
        )
        order = st.radio(
            "Dates like 02/03/2026 are",
            [DateOrder.DAY_FIRST.value, DateOrder.MONTH_FIRST.value],
            index=0 if remembered.date_order is DateOrder.DAY_FIRST else 1,
            horizontal=True,
            key="register_date_order",
        )
        zone = st.text_input(
            "Time zone of times without an offset",
            value=remembered.timezone,
            key="register_timezone",
        )
        hashed = st.checkbox(
            "Keep complaint references only as a hash",
            value=remembered.hash_references,
            key="register_hash",
        )
        if not st.button("Import the register", type="primary", key="register_import_button"):
            return
        mapping = ColumnMapping(
            columns=columns,
            date_order=DateOrder(order),
            timezone=zone.strip() or "UTC",
            hash_references=hashed,
            ignore=ignore,
        )
        with st.spinner(f"Importing {len(table.rows):,} rows…"):
            try:
                done = import_register(
                    store,
                    current_actor(),
                    organization_id,
                    Path(upload.name),
                    content=content,
                    mapping=mapping,
                )
            except RegisterRefused as error:
                first, *rest = str(error).splitlines()
                st.error(f"Not imported: {md_escape(first)}")
                if rest:
                    shown = rest[:200]
                    more = f"\n… and {len(rest) - 200} more" if len(rest) > 200 else ""
                    st.code("\n".join(shown) + more, language=None)
                return
            except UserError as error:
                st.error(f"Not imported: {md_escape(str(error))}")
                return
        notices.notify(
            NOTICE_KEY,
            f"Imported {done.rows:,} complaints from {done.file_name} ({done.added:,} added, "
            f"{done.updated:,} updated).",
        )
        st.rerun()
