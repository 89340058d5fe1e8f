"""Streamlit entry point: page set-up, the sign-in gate and the navigation; pages live in ui/.

The menu is built from the signed-in user's roles (ui/navigation.py), but that is only a
courtesy: every service call checks the acting user again. A refusal that reaches this level
(a role withdrawn between two clicks, an id of another client) is shown as a message.
"""

from __future__ import annotations

import streamlit as st

from assessment.errors import InvalidSetting, UserError
from assessment.settings import check_settings
from ui.components.database import app_store
from ui.components.markdown import md_escape
from ui.components.selection import keep_in_url
from ui.components.sign_in import open_requested_page, sidebar_identity, signed_in_actor
from ui.navigation import menu_for

st.set_page_config(page_title="ISO 10002 readiness", page_icon="✅", layout="wide")
try:
    check_settings()  # every unusable setting at once, before anything uses one
except InvalidSetting as problem:
    st.error(f"{md_escape(str(problem))}\n\nSee the README's Configuration.")
    st.stop()
store = app_store()
actor = signed_in_actor(store)
if actor is None:
    st.stop()
sidebar_identity(store, actor)
keep_in_url()  # the chosen organization and assessment survive page changes and reloads
menu = {
    section: [
        st.Page(e.render, title=e.title, url_path=e.url_path, default=e.default) for e in entries
    ]
    for section, entries in menu_for(actor).items()
}
page = st.navigation(menu)
open_requested_page(page, [p for pages in menu.values() for p in pages])  # after signing in
try:
    page.run()
except UserError as refusal:  # the one handler of the app: a plain message, never a traceback
    st.error(md_escape(str(refusal)))
