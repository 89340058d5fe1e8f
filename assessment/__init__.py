"""ISO 10002 self-assessment and certification-readiness toolkit: the core library.

Nothing here imports streamlit: everything the app shows can be produced from Python or the
`iso10002` command line.
"""

__version__ = "0.1.0"
