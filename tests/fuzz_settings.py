"""How hard the property-based tests (tests/test_fuzz_*.py) try: a quick profile by default,
a thorough one on demand.

The quick profile keeps the ordinary test run short and its result the same on every machine
(derandomize: the same cases each run, so CI cannot fail at random). The thorough profile,
`HYPOTHESIS_PROFILE=thorough`, draws new cases each run and many more of them, to look for
bugs; `HYPOTHESIS_EXAMPLES` changes its count. Neither writes an example database, and
Hypothesis's other files go to the system's temporary folder, not into the checkout.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

QUICK_EXAMPLES = 100
THOROUGH_EXAMPLES = 2500

# Inputs are whole files, some of them large, so drawing one is slower than Hypothesis expects.
_SLOW_INPUTS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]


def load_fuzz_profile() -> None:
    """Register both profiles and load the one HYPOTHESIS_PROFILE names (default: quick)."""
    if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "iso10002-hypothesis")
    settings.register_profile(
        "quick",
        max_examples=QUICK_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=_SLOW_INPUTS,
        print_blob=True,
    )
    settings.register_profile(
        "thorough",
        max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", THOROUGH_EXAMPLES)),
        deadline=None,
        database=None,
        suppress_health_check=_SLOW_INPUTS,
        print_blob=True,
    )
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def scaled(share: float) -> settings:
    """The loaded profile's settings with `share` of its examples, for a target whose every
    case is slow (a workbook opened, a command run): fewer cases, in either profile."""
    return settings(max_examples=max(5, round(settings().max_examples * share)))
