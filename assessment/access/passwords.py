"""Passwords: the policy a new one must meet, and Argon2id hashes (argon2-cffi's defaults).

Argon2 hashes its whole input, with no silent cut at 72 bytes as bcrypt has, so a long
passphrase keeps all its strength. The length is still capped, because hashing an unbounded
input on request is a lever for tying up the server. Passwords are compared in Unicode NFC,
so the same password typed on two systems (which may compose accents differently) matches.
"""

from __future__ import annotations

import secrets
import unicodedata
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from assessment.errors import InvalidChange

MIN_LENGTH = 12
MAX_LENGTH = 1024

_hasher = PasswordHasher()


class PasswordRefused(InvalidChange):
    """A new password does not meet the policy; the message says which rule and why."""


def check_policy(password: str) -> None:
    """Refuse a password that is too short, too long or only whitespace, in a plain sentence."""
    if not isinstance(password, str):
        raise PasswordRefused("A password must be text.")
    length = len(unicodedata.normalize("NFC", password))
    if length > MAX_LENGTH:
        raise PasswordRefused(
            f"A password may have at most {MAX_LENGTH} characters; this one has {length}. "
            "Choose a shorter passphrase."
        )
    if not password.strip():
        raise PasswordRefused("A password cannot be only spaces; choose one with other characters.")
    if length < MIN_LENGTH:
        raise PasswordRefused(
            f"A password needs at least {MIN_LENGTH} characters; this one has {length}. "
            "A few unrelated words make a long password that is easy to remember."
        )


def hash_password(password: str, *, check: bool = True) -> str:
    """An Argon2id hash (salted: the same password gives a different hash each time).

    `check=False` skips the policy, for re-hashing a password that was accepted under an
    older policy and has just been verified.
    """
    if check:
        check_policy(password)
    return _hasher.hash(unicodedata.normalize("NFC", password))


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches the hash; never raises for a mismatch or a damaged hash."""
    if not isinstance(password, str) or len(password) > MAX_LENGTH * 4:
        return False  # no hashing at all for an absurd input
    normalized = unicodedata.normalize("NFC", password)
    if len(normalized) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash, normalized)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's (or cannot be read)."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(24))


def dummy_verify(password: str = "") -> None:
    """Spend the time a real check takes, for a user name that does not exist, so the
    response time does not tell which names do."""
    verify_password(_dummy_hash(), password or "-")
