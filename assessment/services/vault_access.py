"""The toolkit's way into the evidence vault: opened where the settings say, its refusals
shown as the toolkit's own errors.

`evidence/` stands on its own and raises its own small family (evidence.errors); every call
from the toolkit into it goes through `vault_errors()`, which turns each into the error of the
same meaning here, so the one handler of the app and of the command line shows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from assessment.errors import EvidenceIntegrityError, EvidenceRefused, EvidenceStoreError
from assessment.settings import EVIDENCE_MAX_MB, EVIDENCE_URL, evidence_dir, evidence_max_bytes
from evidence import errors as vault
from evidence.object_vault import ObjectVault
from evidence.vault import FolderVault, Vault

# How long a call to the object store may take before the page says the store cannot be
# reached: a page must not hang for botocore's default minute and five attempts.
S3_CONNECT_TIMEOUT_S = 5
S3_READ_TIMEOUT_S = 60
S3_ATTEMPTS = 3

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "open_vault",
    "vault_at",
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
    except (vault.Unwritable, vault.Unreachable) as error:
        raise EvidenceStoreError(str(error)) from None


def open_vault() -> Vault:
    """The configured vault, with the evidence size limit: the bucket and prefix of
    ISO10002_EVIDENCE_URL when it is set, else `evidence/` in the data folder."""
    location = EVIDENCE_URL.s3_url()
    if location is None:
        return FolderVault(evidence_dir(), max_bytes=evidence_max_bytes())
    bucket, prefix = location
    return ObjectVault(s3_client(), bucket, prefix, max_bytes=evidence_max_bytes())


def vault_at(evidence: Path | Vault | None) -> Vault:
    """A vault as backup and restore are given one: the configured one (None), one already
    opened, or a folder."""
    if evidence is None:
        return open_vault()
    if isinstance(evidence, Vault):
        return evidence
    return FolderVault(evidence, max_bytes=evidence_max_bytes())


@cache
def s3_client() -> Any:
    """One S3 client per process (boto3's clients are thread-safe and slow to make), configured
    by boto3 from its own variables and files. boto3 is imported here, when an object store is
    configured, so a command that never touches evidence does not pay for it."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        config=Config(
            connect_timeout=S3_CONNECT_TIMEOUT_S,
            read_timeout=S3_READ_TIMEOUT_S,
            retries={"max_attempts": S3_ATTEMPTS, "mode": "standard"},
        ),
    )
