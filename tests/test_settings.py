"""Every setting declared once (assessment/settings.py), parsed by its kind, documented."""

from __future__ import annotations

import re

import pytest

from assessment import settings
from assessment.errors import InvalidSetting
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def configuration_rows() -> dict[str, str]:
    """The README's Configuration table: variable -> its default as written."""
    section = README[
        README.index("## Configuration\n") : README.index(
            "\n## ", README.index("## Configuration\n") + 1
        )
    ]
    return dict(re.findall(r"^\| `([A-Z0-9_]+)` \| ([^|]*) \|", section, flags=re.M))


def test_the_readme_documents_every_setting_and_names_no_other():
    documented = configuration_rows()
    declared = {s.name for s in settings.SETTINGS}
    tests_only = {"ISO10002_TEST_POSTGRES_URL"}
    assert sorted(declared - set(documented)) == []
    assert sorted(set(documented) - declared - tests_only) == []


def test_the_readme_gives_each_settings_default():
    documented = configuration_rows()
    for setting in settings.SETTINGS:
        if setting.default:
            assert f"`{setting.default}`" in documented[setting.name], setting.name


def test_no_code_reads_the_environment_but_the_settings_module():
    readers = []
    for root in ("assessment", "ui", "evidence"):
        for path in (REPO / root).rglob("*.py"):
            if path == REPO / "assessment" / "settings.py":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"os\.environ|os\.getenv|getenv\(", text):
                readers.append(str(path.relative_to(REPO)))
    assert readers == []


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        (settings.EVIDENCE_MAX_MB, "0.5", 0.5),
        (settings.SESSION_MINUTES, "90", 90),
        (settings.AUTH, "OFF", False),
        (settings.AUTH, "yes", True),
        (settings.CHECKLISTS_DIR, "", []),
        (settings.EVIDENCE_URL, "", None),
        (settings.EVIDENCE_URL, "s3://acme-evidence", ("acme-evidence", "")),
        (settings.EVIDENCE_URL, "s3://acme.evidence/team/2027/", ("acme.evidence", "team/2027")),
    ],
)
def test_values_are_parsed_by_their_kind(setting, value, expected):
    assert getattr(setting, setting.kind.name.lower())({setting.name: value}) == expected


def test_an_empty_value_means_the_default():
    assert settings.LOCKOUT_ATTEMPTS.whole({"ISO10002_LOCKOUT_ATTEMPTS": "  "}) == 5
    assert settings.EVIDENCE_MAX_MB.number({}) == 50


@pytest.mark.parametrize(
    ("setting", "value", "wanted"),
    [
        (settings.EVIDENCE_MAX_MB, "lots", "a number above 0 and at most 2000"),
        (settings.EVIDENCE_MAX_MB, "0", "a number above 0"),
        (settings.EVIDENCE_MAX_MB, "1e9", "at most 2000"),
        (settings.LOCKOUT_ATTEMPTS, "1.5", "a whole number from 1 to 100"),
        (settings.AUTH, "maybe", "on or off"),
        (settings.EVIDENCE_URL, "https://acme-evidence/x", "an address like s3://bucket"),
        (settings.EVIDENCE_URL, "s3://Acme_Evidence", "an address like s3://bucket"),
        (settings.EVIDENCE_URL, "s3://acme-evidence/../other", "s3://bucket/prefix"),
        (settings.EVIDENCE_URL, "s3://acme-evidence/a//b", "s3://bucket/prefix"),
    ],
)
def test_an_unusable_value_is_refused_with_its_name_and_what_it_takes(setting, value, wanted):
    with pytest.raises(InvalidSetting) as refused:
        setting.check({setting.name: value})
    message = str(refused.value)
    assert message.startswith(f"{setting.name} must be")
    assert wanted in message
    assert repr(value) in message


def test_the_start_up_check_lists_every_unusable_setting_at_once():
    environ = {"ISO10002_AUTH": "maybe", "ISO10002_SESSION_MINUTES": "0"}
    with pytest.raises(InvalidSetting) as refused:
        settings.check_settings(environ)
    assert "ISO10002_AUTH" in str(refused.value)
    assert "ISO10002_SESSION_MINUTES" in str(refused.value)
    settings.check_settings({})  # the defaults are usable
