"""Peak memory and time of every bulk command on a generated library.

Each command runs as its own process under /usr/bin/time -v; the table gives its wall time
and peak resident set size ("Maximum resident set size"). Outputs go to files in a work
folder, as a user's would.

Usage:
  python bench/memory.py [--papers 100000] [--db EXISTING.db] [--only NAME,...]
                         [--pythonpath DIR] [--keep]
--db reuses a library built earlier (import-bib of bench/generate.py output), which saves
its import; without it the import is built and measured too. --only measures the named
commands (as in the table, e.g. "export -F ris,dump"); --pythonpath measures another
checkout (an older commit, to compare).
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
            # Outside the checkout: "python -m" puts the working directory first on sys.path.
            cwd=env["READING_LIST_HOME"],
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
    parser.add_argument("--only", help="comma-separated command names from the table")
    parser.add_argument("--pythonpath", default=str(ROOT), help="the checkout to measure")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if not Path(TIME).exists():
        sys.exit(f"needs {TIME} (GNU time)")

    work = Path(tempfile.mkdtemp(prefix="rl-memory-"))
    (work / "home").mkdir()
    env = {**os.environ, "PYTHONPATH": args.pythonpath, "READING_LIST_HOME": str(work / "home")}
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
    restored, rekeyed = work / "restored.db", work / "rekey.db"
    commands += [
        ("restore", ["--db", str(restored), "restore", str(work / "dump.jsonl")], None),
        ("rekey", ["--db", str(rekeyed), "rekey", "--yes"], "rekey.tsv"),
        ("export --cited-only /dev/zero", ["export", "--cited-only", "/dev/zero"], None),
    ]
    wanted = set(args.only.split(",")) if args.only else None
    for name, command, out in commands:
        # restore reads the dump's output.
        needed = wanted is None or name in wanted or (name == "dump" and "restore" in wanted)
        if not needed:
            continue
        if name == "rekey":
            shutil.copy(db, rekeyed)
        full = command if command[0] == "--db" else [*lib, *command]
        rows.append((name, *measure(full, env, work / out if out else None)))

    python = sys.version.split()[0]
    print(f"library: {args.db or args.papers}; code: {args.pythonpath}; Python {python}")
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
