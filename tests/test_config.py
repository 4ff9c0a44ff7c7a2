"""Settings: where the library and the cache live, and what a bad value does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest
import typer

from reading_list.config import legacy_home, load_settings
from reading_list.metadata import PaperMetadata
from reading_list.store import NewPaper, open_db
from tests.conftest import Run


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch) -> Path:
    """No READING_LIST_* location: the platform's dirs under the test's own HOME."""
    for name in ("READING_LIST_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    return Path(os.environ["HOME"])


def _library_with_a_paper(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    store = open_db(path)
    metadata = PaperMetadata(title="A paper from the earlier release")
    store.papers.insert(
        [NewPaper(citekey="kept", added_at="2026-01-01T00:00:00Z", metadata=metadata)]
    )
    store.close()


linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the XDG layout is Linux's"
)


@linux_only
def test_data_and_cache_default_to_the_xdg_dirs(home: Path) -> None:
    settings = load_settings()
    assert settings.db_path == home / ".local" / "share" / "reading-list" / "library.db"
    assert settings.cache_dir == home / ".cache" / "reading-list"


@linux_only
def test_xdg_variables_move_data_and_cache(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    settings = load_settings()
    assert settings.db_path == tmp_path / "data" / "reading-list" / "library.db"
    assert settings.cache_dir == tmp_path / "cache" / "reading-list"


@linux_only
@pytest.mark.parametrize("value", ["", "   ", "relative/dir", "."])
def test_empty_or_relative_xdg_values_never_put_a_library_in_the_working_folder(
    run: Run, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.db_path == home / ".local" / "share" / "reading-list" / "library.db"
    assert settings.cache_dir == home / ".cache" / "reading-list"
    assert legacy_home() == home / ".config" / "reading-list"
    run("init", ok=True)
    assert list(work.iterdir()) == []
    assert settings.db_path.exists()


@pytest.mark.parametrize("xdg_config", [None, "/somewhere/config"])
def test_the_old_location_is_clicks_app_dir(
    home: Path, monkeypatch: pytest.MonkeyPatch, xdg_config: str | None
) -> None:
    if xdg_config is not None:
        monkeypatch.setenv("XDG_CONFIG_HOME", xdg_config)
    # Typer ships click's own get_app_dir (it vendors click).
    assert legacy_home() == Path(typer.get_app_dir("reading-list"))


@linux_only
def test_a_library_at_the_old_location_keeps_working(run: Run, home: Path) -> None:
    old = legacy_home() / "library.db"
    _library_with_a_paper(old)
    assert load_settings().db_path == old
    papers = json.loads(run("list", "--json", ok=True).stdout)
    assert [p["id"] for p in papers] == ["manual:kept"]
    run("tag", "manual:kept", "+still-here", ok=True)
    assert [p["tags"] for p in json.loads(run("list", "--json").stdout)] == [["still-here"]]
    # Written in place, never moved: nothing was made at the new location.
    assert old.exists()
    assert not platformdirs.user_data_path("reading-list", appauthor=False).exists()


@linux_only
def test_a_library_at_the_new_location_wins_over_the_old_one(home: Path) -> None:
    old = legacy_home() / "library.db"
    _library_with_a_paper(old)
    new = platformdirs.user_data_path("reading-list", appauthor=False) / "library.db"
    _library_with_a_paper(new)
    assert load_settings().db_path == new


def test_precedence_flag_env_home_platform(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READING_LIST_HOME", str(tmp_path / "rl-home"))
    assert load_settings().db_path == tmp_path / "rl-home" / "library.db"
    assert load_settings().cache_dir == tmp_path / "rl-home" / "cache"
    monkeypatch.setenv("READING_LIST_DB", str(tmp_path / "env.db"))
    assert load_settings().db_path == tmp_path / "env.db"
    assert load_settings(tmp_path / "flag.db").db_path == tmp_path / "flag.db"
    monkeypatch.setenv("READING_LIST_CACHE_DIR", str(tmp_path / "c"))
    assert load_settings().cache_dir == tmp_path / "c"
    monkeypatch.setenv("READING_LIST_DB", "")
    assert load_settings().db_path == tmp_path / "rl-home" / "library.db"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("READING_LIST_ARXIV_TIMEOUT", "0", "must be greater than 0"),
        ("READING_LIST_ARXIV_TIMEOUT", "nan", "must be a finite number"),
        ("READING_LIST_ARXIV_TIMEOUT", "inf", "must be a finite number"),
        ("READING_LIST_ARXIV_TIMEOUT", "soon", "is not a number"),
        ("READING_LIST_ARXIV_RETRIES", "1e400", "is not a whole number"),
        ("READING_LIST_ARXIV_RETRIES", "2.5", "is not a whole number"),
        ("READING_LIST_ARXIV_RETRIES", "-1", "must be between 0 and 100"),
        ("READING_LIST_ARXIV_RETRIES", "100000", "must be between 0 and 100"),
        ("READING_LIST_ARXIV_DELAY", "-3", "must not be negative"),
        ("READING_LIST_CACHE_TTL", "NaN", "must be a finite number"),
        ("READING_LIST_MAX_BACKOFF", "1e400", "must be a finite number"),
        ("READING_LIST_ARXIV_URL", "ftp://example.org/api", "is not an http(s) URL"),
        ("READING_LIST_ARXIV_URL", "export.arxiv.org/api/query", "is not an http(s) URL"),
        ("READING_LIST_CITEKEY_PATTERN", "{auth}{venue}", "unknown field(s) venue"),
        ("READING_LIST_DBLP_DELAY", "nan", "must be a finite number"),
        ("READING_LIST_DBLP_DELAY", "1e400", "must be a finite number"),
        ("READING_LIST_DBLP_DELAY", "600", "must be at most 60"),
        ("READING_LIST_CROSSREF_DELAY", "-1", "must not be negative"),
        ("READING_LIST_MAX_RESPONSE_MB", "0", "must be greater than 0"),
        ("READING_LIST_MAX_RESPONSE_MB", "4096", "must be at most 1024"),
        ("READING_LIST_MAX_RETRY_SLEEP", "inf", "must be a finite number"),
        ("READING_LIST_DBLP_URL", "ftp://dblp.org", "is not an http(s) URL"),
        ("READING_LIST_DOI_URL", "doi.org", "is not an http(s) URL"),
        ("READING_LIST_CROSSREF_URL", "https://", "is not an http(s) URL"),
        ("READING_LIST_CROSSREF_MAILTO", "not an address", "is not an e-mail address"),
    ],
)
def test_a_bad_setting_is_one_line_and_exit_2(
    run: Run, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    result = run("list")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    if name != "READING_LIST_CITEKEY_PATTERN":
        assert f"{name}={value!r}" in result.stderr


def test_good_settings_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("READING_LIST_ARXIV_TIMEOUT", "2.5")
    monkeypatch.setenv("READING_LIST_ARXIV_RETRIES", "7")
    monkeypatch.setenv("READING_LIST_CITEKEY_PATTERN", "{year}{auth}")
    monkeypatch.setenv("READING_LIST_SEEDS", str(tmp_path))
    monkeypatch.setenv("READING_LIST_DBLP_URL", "http://127.0.0.1:9/dblp/")
    monkeypatch.setenv("READING_LIST_CROSSREF_MAILTO", "me@example.org")
    settings = load_settings()
    assert (settings.timeout, settings.retries) == (2.5, 7)
    # A trailing slash would double the one each request path starts with.
    assert settings.dblp_url == "http://127.0.0.1:9/dblp"
    assert settings.crossref_mailto == "me@example.org"
    assert settings.citekey_pattern == "{year}{auth}"
    assert settings.seeds_dir == tmp_path


def test_settings_read_no_cli_framework() -> None:
    code = (
        "import sys; from reading_list.config import load_settings; load_settings()\n"
        "print(','.join(m for m in ('typer', 'click', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
