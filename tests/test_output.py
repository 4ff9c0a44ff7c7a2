"""Output files are whole or untouched: own temp file, no symlink followed, atomic rename,
nothing left behind on errors or Ctrl-C, the target's mode kept, new files per the umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reading_list.errors import Interrupted, InvalidInput, Terminated
from reading_list.services.output import write_output
from tests.arxiv_stub import StubServer
from tests.conftest import ROOT, Run


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    # "home" and "rl" are the isolated HOME and library folders every test gets.
    return sorted(p.name for p in folder.iterdir() if p.name not in {*keep, "home", "rl"})


def test_two_writers_to_one_path_leave_one_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "out.bib"
    barrier = threading.Barrier(2)
    contents = {name: [f"{name} line {i}\n" for i in range(2000)] for name in ("a", "b")}

    def slow(name: str) -> Iterator[str]:
        for i, line in enumerate(contents[name]):
            if i % 500 == 0:
                barrier.wait(timeout=10)  # both writers are mid-file together
            yield line

    threads = [
        threading.Thread(target=write_output, args=(slow(name), target)) for name in contents
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert target.read_text() in ("".join(contents["a"]), "".join(contents["b"]))
    assert _leftovers(tmp_path, {"out.bib"}) == []


def test_two_export_processes_to_one_path(stub: StubServer, run: Run, tmp_path: Path) -> None:
    run("seed", "google-brain-ama-2017", ok=True)
    target = tmp_path / "refs.bib"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "reading_list", "export", "-o", str(target)]
    procs = [subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE) for _ in range(4)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    expected = run("export").stdout
    assert target.read_text() == expected and "\x00" not in expected
    assert _leftovers(tmp_path, {"refs.bib"}) == []


def test_planted_symlinks_are_never_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    target = tmp_path / "out.bib"
    planted = [".out.bib.fixed.tmp", "out.bib.tmp", "out.tmp", ".out.bib.tmp"]
    for name in planted:
        (tmp_path / name).symlink_to(victim)
    # Force the temp name generator onto a planted name first: mkstemp must skip it.
    names = iter(["fixed", "fixed", "fresh"])
    monkeypatch.setattr(tempfile, "_get_candidate_names", lambda: names)
    write_output(["new content\n"], target)
    assert target.read_text() == "new content\n"
    assert victim.read_text() == "precious\n"
    assert all((tmp_path / name).is_symlink() for name in planted)
    assert _leftovers(tmp_path, {"victim.txt", "out.bib", *planted}) == []


def test_a_symlink_at_the_target_is_replaced_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    target = tmp_path / "out.bib"
    target.symlink_to(victim)
    write_output(["new\n"], target)
    assert not target.is_symlink() and target.read_text() == "new\n"
    assert victim.read_text() == "precious\n"


def _interrupted_after(n: int, exc: BaseException) -> Iterator[str]:
    for i in range(n):
        yield f"line {i}\n"
    raise exc


@pytest.mark.parametrize(
    ("exc", "error"),
    [
        (KeyboardInterrupt(), Interrupted),
        (Terminated(), Interrupted),
        (OSError(28, "No space left on device"), InvalidInput),
    ],
)
def test_interrupt_or_error_mid_write_leaves_the_target_and_no_temp_file(
    tmp_path: Path, exc: BaseException, error: type[Exception]
) -> None:
    target = tmp_path / "out.bib"
    target.write_text("old\n")
    with pytest.raises(error) as caught:
        write_output(_interrupted_after(1000, exc), target)
    assert "out.bib" in str(caught.value)
    assert target.read_text() == "old\n"
    assert _leftovers(tmp_path, {"out.bib"}) == []
    with pytest.raises(Interrupted):
        write_output(_interrupted_after(0, KeyboardInterrupt()), tmp_path / "new.bib")
    assert _leftovers(tmp_path, {"out.bib"}) == []


def test_sigterm_is_reported_as_such(tmp_path: Path) -> None:
    with pytest.raises(Interrupted) as caught:
        write_output(_interrupted_after(3, Terminated()), tmp_path / "out.bib")
    assert caught.value.exit_code == 143
    assert str(caught.value).startswith("terminated: ")
    assert _leftovers(tmp_path, set()) == []


def test_old_temporary_files_of_killed_writers_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "out.bib"
    hour_ago = os.path.getmtime(tmp_path) - 2 * 3600
    stale = tmp_path / ".out.bib.k1ll3d9x.tmp"
    fresh = tmp_path / ".out.bib.wr1t1ng0.tmp"
    other_target = tmp_path / ".refs.bib.k1ll3d9x.tmp"
    not_ours = tmp_path / ".out.bib.notes"
    for path in (stale, fresh, other_target, not_ours):
        path.write_text("partial")
    for path in (stale, other_target, not_ours):
        os.utime(path, (hour_ago, hour_ago))
    write_output(["new\n"], target)
    assert target.read_text() == "new\n"
    # Only the old temporary file of this target goes: a fresh one may be a running writer's.
    assert not stale.exists()
    assert fresh.exists() and other_target.exists() and not_ours.exists()


def test_ctrl_c_during_an_export_command(
    stub: StubServer, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("seed", "google-brain-ama-2017", ok=True)
    from reading_list.formats import bibtex

    def interrupted(*_args: object, **_kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(bibtex, "render_bibliography", interrupted)
    out = tmp_path / "refs.bib"
    result = run("export", "-o", str(out))
    assert result.exit_code == 130
    assert "was not written" in result.stderr and "Traceback" not in result.stderr
    assert _leftovers(tmp_path, set()) == []


def test_the_target_mode_is_kept_and_new_files_follow_the_umask(tmp_path: Path) -> None:
    kept = tmp_path / "kept.bib"
    kept.write_text("old\n")
    kept.chmod(0o640)
    write_output(["new\n"], kept)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    for umask, mode in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
        old = os.umask(umask)
        try:
            fresh = tmp_path / f"fresh-{mode:o}.bib"
            write_output(["x\n"], fresh)
        finally:
            os.umask(old)
        assert stat.S_IMODE(fresh.stat().st_mode) == mode


def test_special_files_and_directories(tmp_path: Path) -> None:
    write_output(["into the void\n"], Path(os.devnull))
    assert Path(os.devnull).is_char_device()
    with pytest.raises(InvalidInput, match="directory"):
        write_output(["x"], tmp_path)
    with pytest.raises(InvalidInput, match="cannot write"):
        write_output(["x"], tmp_path / "missing" / "out.bib")
