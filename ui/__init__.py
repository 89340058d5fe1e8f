"""Streamlit pages and components: widgets only; every number and rule comes from the core."""
