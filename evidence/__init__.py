"""The evidence vault: what a file is, where it is kept, and that it has not changed.

- `filetypes`: the type of a file from its content (magic bytes), or a refusal saying why.
- `names`: an uploaded file's original name, cleaned for display; never used as a path.
- `limits`: the size limit (`ISO10002_EVIDENCE_MAX_MB`, 50 MB by default).
- `links`: http and https links only.
- `intake`: every check an upload passes before anything is written.
- `vault`: the content-addressed store (SHA-256, atomic writes, verified reads, `verify_vault`).
- `records`: kinds, review statuses, expiry from the valid-until date, the record type.

The database side (records, review, audit, coverage) is `assessment.services.evidence`. This
package never imports streamlit.
"""
