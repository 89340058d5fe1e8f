"""The complaint register: which columns are kept (fields), how cells are read (values), the
register file (register), the indicators computed from it (indicators), the figures of the
Complaint performance page (performance) and the scores they suggest (suggestions).

Light on purpose: `indicators` and `performance` bring pandas, so only what names the file
format lives here, for commands that must start fast.
"""

INDICATORS_FORMAT = "iso10002-indicators/1"
