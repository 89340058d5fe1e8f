"""The service layer: the only code that reads or writes the database.

The app and the command line both call these functions; each call is one transaction, takes
the acting person's name for the audit trail, and returns plain records, never ORM rows.
"""
