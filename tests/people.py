"""Actors for tests that are not about permissions: system administrators with a name."""

from __future__ import annotations

from assessment.access.roles import Actor


def admin(name: str = "tester") -> Actor:
    """A system administrator called `name` (every organization, every act)."""
    return Actor.local_admin(name)


ADMIN = admin()
