"""Peak memory and time of every bulk command on a generated library.

Each command runs as its own process under /usr/bin/time -v; the table gives its wall time
and peak resident set size ("Maximum resident set size"). Outputs go to files in a work
folder, as a user's would.

Usage:
  python bench/memory.py [--papers 100000] [--db EXISTING.db] [--keep]
--db reuses a library built earlier (import-bib of bench/generate.py output), which saves
its import; without it the import is built and measured too.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

TIME = "/usr/bin/time"
PEAK = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
WALL = re.compile(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)")


def measure(args: list[str], env: dict[str, str], out: Path | None) -> tuple[float, float, int]:
    """(seconds, peak MB, exit code) of one CLI process."""
    stdout = out.open("w") if out else subprocess.DEVNULL
    try:
        done = subprocess.run(
            [TIME, "-v", sys.executable, "-m", "reading_list", *args],
            env=env,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        if out:
            stdout.close()  # type: ignore[union-attr]
    peak = PEAK.search(done.stderr)
    wall = WALL.search(done.stderr)
    if peak is None or wall is None:
        raise RuntimeError(done.stderr[-2000:])
    hours, minutes, secs = wall.groups()
    seconds = int(hours or 0) * 3600 + int(minutes) * 60 + float(secs)
    return seconds, int(peak.group(1)) / 1024, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="an existing library to measure")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if not Path(TIME).exists():
        sys.exit(f"needs {TIME} (GNU time)")

    work = Path(tempfile.mkdtemp(prefix="rl-memory-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "READING_LIST_HOME": str(work / "home")}
    rows: list[tuple[str, float, float, int]] = []
    db = work / "library.db"
    if args.db:
        shutil.copy(args.db, db)
    else:
        bib = work / "library.bib"
        generate(args.papers, bib)
        rows.append(("import-bib", *measure(["--db", str(db), "import-bib", str(bib)], env, None)))
    lib = ["--db", str(db)]
    commands: list[tuple[str, list[str], str | None]] = [
        ("list (piped)", ["list"], "list.tsv"),
        ("list --json", ["list", "--json"], "list.json"),
        ("list --csv", ["list", "--csv"], "list.csv"),
        ("search", ["search", "title:transformer"], "search.tsv"),
    ]
    for fmt in ("bibtex", "biblatex", "csl-json", "ris", "csv", "json"):
        commands.append((f"export -F {fmt}", ["export", "-F", fmt, "-o", str(work / fmt)], None))
    commands.append(("dump", ["dump", "-o", str(work / "dump.jsonl")], None))
    for name, command, out in commands:
        rows.append((name, *measure([*lib, *command], env, work / out if out else None)))
    restored = work / "restored.db"
    rows.append(
        (
            "restore",
            *measure(["--db", str(restored), "restore", str(work / "dump.jsonl")], env, None),
        )
    )
    rekeyed = work / "rekey.db"
    shutil.copy(db, rekeyed)
    rows.append(("rekey", *measure(["--db", str(rekeyed), "rekey", "--yes"], env, work / "rk")))
    rows.append(
        (
            "export --cited-only /dev/zero",
            *measure([*lib, "export", "--cited-only", "/dev/zero"], env, None),
        )
    )

    print(f"library: {args.db or args.papers}; Python {sys.version.split()[0]}")
    print()
    print("| command | seconds | peak RSS MB | exit |")
    print("|---|---:|---:|---:|")
    for name, seconds, peak, code in rows:
        print(f"| {name} | {seconds:.2f} | {peak:.0f} | {code} |")
    if args.keep:
        print(f"\nwork folder: {work}")
    else:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
