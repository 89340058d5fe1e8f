"""The service layer: the only code that reads or writes the database.

The app and the command line both call these functions (each module's `__all__`); a call
takes the store and the acting user (an `Actor`, which it checks and names in the audit trail),
changes what it changes in one transaction, and returns plain records, never ORM rows. The
rules for callers: docs/api.md.
"""
