"""Presentation mode: the Scoring page made for a projector and a room of people.

A consultant runs the workshop on a projector: large type, no sidebar, one criterion at a
time, buttons big enough to read from the back of the room. The mode is one toggle, kept per
person in the database (so it is on again at the next workshop, on any browser) and read once
per session. This component owns the session keys starting with `presentation_`.
"""

from __future__ import annotations

import streamlit as st

from assessment.services.preferences import Preference, preference_on, set_preference
from assessment.storage.store import Store
from ui.components.identity import current_actor

ON_KEY = "presentation_on"  # this session's copy of the person's preference
TOGGLE_KEY = "presentation_toggle"

# Our own fixed style sheet (no user text in it). The root font size scales every rem-based
# size Streamlit uses.
_STYLE = """
<style>
html { font-size: 21px; }
[data-testid="stMainBlockContainer"] { padding-top: 4rem; max-width: 100%; }
.st-key-focus_scores button { min-height: 4.2rem; font-size: 1.15rem; }
.st-key-focus_scores button p { font-size: 1.15rem; word-break: normal; overflow-wrap: normal; }
.st-key-focus_moves button { min-height: 2.8rem; }
</style>
"""


def is_on(store: Store) -> bool:
    """Whether the person has presentation mode on (read from the database once a session)."""
    if ON_KEY not in st.session_state:
        st.session_state[ON_KEY] = preference_on(
            store, current_actor(), Preference.PRESENTATION_MODE
        )
    return bool(st.session_state[ON_KEY])


def _switched(store: Store) -> None:
    on = bool(st.session_state[TOGGLE_KEY])
    set_preference(store, current_actor(), Preference.PRESENTATION_MODE, on)
    st.session_state[ON_KEY] = on


def toggle(store: Store) -> bool:
    """Draw the switch and return whether the mode is on (and style the page when it is)."""
    on = is_on(store)
    st.session_state[TOGGLE_KEY] = on
    st.toggle(
        "Presentation mode",
        key=TOGGLE_KEY,
        on_change=_switched,
        args=(store,),
        help="Large type for a projector, one criterion at a time, saved the moment a score "
        "is chosen, keys 0-5 to score, N for the next unanswered, ← → to move. Remembered "
        "for you.",
    )
    # The sidebar folds away in presentation mode (its arrow brings the menu back) and opens
    # again when the mode is turned off.
    st.set_page_config(initial_sidebar_state="collapsed" if on else "auto")
    if on:
        st.markdown(_STYLE, unsafe_allow_html=True)
    return on
