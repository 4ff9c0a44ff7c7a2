"""Exports and dumps taken while another process writes: does each contain exactly one
committed state of the library, every paper once?

A writer process commits every few milliseconds; each commit adds one paper and removes the
oldest one, so the library always holds N papers and its state after commit n is known
exactly: the window queue[n : n + N] of (shuffled original papers, then the added ones).
Each export must equal one such window: no paper missing, none duplicated, no mix of two
moments. The added citekeys fall among the originals, so every part of the citekey order
changes while an export runs.

Usage:
  python bench/concurrent_export.py [--papers 6000] [--runs 20] [--formats bibtex,ris,dump]
                                    [--delay 0.002] [--pythonpath DIR]
--pythonpath runs the exports with another checkout (e.g. an older commit) to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

ENTRY_KEY = re.compile(r"^@\w+\{([^,]+),", re.MULTILINE)
RIS_ID = re.compile(r"^ID  - (.+)$", re.MULTILINE)

WRITER = textwrap.dedent(
    """
    import json, random, sys, time
    from pathlib import Path
    from reading_list.store import open_db

    db, queue_file, delay, stop_file, tag = sys.argv[1:6]
    delay = float(delay)
    queue = json.loads(Path(queue_file).read_text())
    rng = random.Random(5)
    store = open_db(Path(db))
    n = 0
    while not Path(stop_file).exists():
        n += 1
        key = f"key{rng.randrange(10**6):06d}{tag}{n:06d}"
        with store.write():
            store.insert_papers([{
                "id": f"manual:{key}", "arxiv_id": None, "kind": "manual", "citekey": key,
                "title": f"Added while exporting {n}", "authors": ["Writer, Busy"],
                "added_at": "2026-01-01T00:00:00Z",
            }])
            store.delete_paper(queue[n - 1][0])
        queue.append([f"manual:{key}", key])
        time.sleep(delay)
    Path(queue_file).write_text(json.dumps(queue))
    """
)


def _keys(fmt: str, text: str) -> Counter[str]:
    if fmt == "dump":
        return Counter(
            json.loads(line)["citekey"]
            for line in text.splitlines()
            if line.startswith('{"_type": "paper"')
        )
    if fmt == "ris":
        return Counter(RIS_ID.findall(text))
    return Counter(ENTRY_KEY.findall(text))


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reading_list", *args],
        env=env,
        text=True,
        capture_output=True,
        check=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=6000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--formats", default="bibtex,ris,dump")
    parser.add_argument("--delay", type=float, default=0.002, help="seconds between commits")
    parser.add_argument("--pythonpath", default=str(ROOT), help="checkout the exports run from")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rl-concurrent-"))
    db = work / "library.db"
    base_env = {**os.environ, "READING_LIST_HOME": str(work / "home"), "READING_LIST_DB": str(db)}
    ours = {**base_env, "PYTHONPATH": str(ROOT)}
    theirs = {**base_env, "PYTHONPATH": args.pythonpath}
    bib = work / "library.bib"
    generate(args.papers, bib)
    done = _cli(["import-bib", str(bib)], ours)
    assert done.returncode == 0, done.stderr
    dump = _cli(["dump"], ours).stdout
    papers = [json.loads(x) for x in dump.splitlines() if x.startswith('{"_type": "paper"')]
    originals = [[p["id"], p["citekey"]] for p in papers]
    random.Random(11).shuffle(originals)

    print(f"library: {args.papers} papers; exports from {args.pythonpath}")
    print(f"writer: one commit (add one paper, remove the oldest) every {args.delay * 1000:g} ms")
    print()
    print("| format | runs | consistent | missing | duplicated | median s | commits/export |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    queue = originals
    n_papers = len(queue)
    for number, fmt in enumerate(args.formats.split(",")):
        queue_file = work / f"queue-{fmt}.json"
        stop = work / f"stop-{fmt}"
        queue_file.write_text(json.dumps(queue))
        tag = "w" + chr(ord("a") + number)
        writer_args = [str(db), str(queue_file), str(args.delay), str(stop), tag]
        writer = subprocess.Popen([sys.executable, "-c", WRITER, *writer_args], env=ours)
        time.sleep(0.5)
        outputs, seconds = [], []
        for _ in range(args.runs):
            command = ["dump"] if fmt == "dump" else ["export", "-F", fmt]
            started = time.perf_counter()
            result = _cli(command, theirs)
            seconds.append(time.perf_counter() - started)
            assert result.returncode == 0, result.stderr
            outputs.append(result.stdout)
        stop.touch()
        writer.wait(timeout=60)
        queue = json.loads(queue_file.read_text())
        added = {key for _, key in queue[n_papers:]}
        consistent = missing = duplicated = 0
        commits = []
        for text in outputs:
            got = _keys(fmt, text)
            duplicated += sum(c - 1 for c in got.values())
            n = sum(1 for key in got if key in added)
            expected = {key for _, key in queue[n : n + n_papers]}
            missing += len(expected - set(got))
            consistent += set(got) == expected and max(got.values()) == 1
            commits.append(n)
        print(
            f"| {fmt} | {args.runs} | {consistent} | {missing} | {duplicated} | "
            f"{statistics.median(seconds):.2f} | {min(commits)}-{max(commits)} |"
        )
        # The next writer starts from the library as this one left it: oldest paper first.
        queue = queue[len(queue) - n_papers :]


if __name__ == "__main__":
    main()
