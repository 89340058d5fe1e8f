"""The toolkit's way into the evidence vault: opened where the settings say, its refusals
shown as the toolkit's own errors.

`evidence/` stands on its own and raises its own small family (evidence.errors); every call
from the toolkit into it goes through `vault_errors()`, which turns each into the error of the
same meaning here, so the one handler of the app and of the command line shows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from assessment.errors import EvidenceIntegrityError, EvidenceRefused, EvidenceStoreError
from assessment.settings import EVIDENCE_MAX_MB, evidence_dir, evidence_max_bytes
from evidence import errors as vault
from evidence.vault import Vault

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "open_vault",
    "vault_errors",
]


@contextmanager
def vault_errors() -> Iterator[None]:
    """Run a call into the vault; its refusals come out as the toolkit's errors."""
    try:
        yield
    except vault.TooLarge as error:
        raise EvidenceRefused(f"{error} (set {EVIDENCE_MAX_MB.name} to change the limit)") from None
    except vault.Refused as error:
        raise EvidenceRefused(str(error)) from None
    except vault.Damaged as error:
        raise EvidenceIntegrityError(error.sha256, error.problem, str(error)) from None
    except vault.Unwritable as error:
        raise EvidenceStoreError(str(error)) from None


def open_vault() -> Vault:
    """The configured vault: `evidence/` in the data folder, with the evidence size limit."""
    return Vault(evidence_dir(), max_bytes=evidence_max_bytes())
