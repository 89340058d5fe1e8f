"""`iso10002 db check`, the health check a deployment runs: database and evidence store."""

from __future__ import annotations

from click.testing import CliRunner

from assessment.cli import cli
from assessment.storage.store import Store
from tests.browser_support import free_port
from tests.conftest import store_url


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result


def test_a_database_at_the_schema_and_a_folder_store_are_ok(store, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", store_url(store))
    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ISO10002_EVIDENCE_URL", raising=False)
    result = run("db", "check")
    assert result.exit_code == 0, result.stderr
    assert result.output.startswith("ok: database ")
    assert f"evidence store {tmp_path / 'data' / 'evidence'} answers" in result.output


def test_a_database_without_the_schema_fails_the_check_and_says_what_to_run(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    result = run("db", "check")
    assert result.exit_code == 1
    assert "is at schema revision empty" in result.stderr
    assert "run `iso10002 db upgrade`" in result.stderr


def test_an_s3_store_that_answers_passes_and_one_that_does_not_fails(
    s3_settings, monkeypatch, tmp_path
):
    from assessment.services.vault_access import s3_client

    url = f"sqlite:///{tmp_path / 'iso10002.db'}"
    Store.open(url).dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    answered = run("db", "check")
    assert answered.exit_code == 0, answered.stderr
    assert f"evidence store {s3_settings['ISO10002_EVIDENCE_URL']}/ answers" in answered.output

    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    s3_client.cache_clear()
    silent = run("db", "check")
    assert silent.exit_code == 1
    assert "the evidence store at s3://" in silent.stderr
    assert "cannot be used" in silent.stderr
