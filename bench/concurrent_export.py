"""Exports and dumps taken while another process writes: does each contain exactly one
committed state of the library, every paper once?

A writer process commits every few milliseconds; commit n adds one paper and, when n is
even, removes the oldest one, so the library grows while an export runs and its state after
commit n is known exactly: the window queue[n // 2 : N + n] of (the shuffled papers at the
start, then the added ones). The writer publishes its commit count, read just before each
export starts and just after it ends; the export must equal the window of one commit in
that span: no paper missing, none extra, none duplicated, no mix of two moments. A dump must
also hold no tag whose paper it does not hold (such a dump cannot be restored). The added
citekeys fall among the others, so every part of the citekey order changes while an export
runs.

Usage:
  python bench/concurrent_export.py [--papers 6000] [--runs 20] [--formats bibtex,ris,dump]
                                    [--delay 0.002] [--pythonpath DIR]
--pythonpath runs the exports with another checkout (e.g. an older commit) to compare.
"""

from __future__ import annotations

import argparse
import bisect
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
    import json, os, random, sys, time
    from pathlib import Path
    from reading_list.metadata import PaperMetadata
    from reading_list.store import NewPaper, open_db

    db, queue_file, delay, stop_file, tag, count_file = sys.argv[1:7]
    delay = float(delay)
    counter = os.open(count_file, os.O_RDWR | os.O_CREAT)
    queue = json.loads(Path(queue_file).read_text())
    rng = random.Random(5)
    store = open_db(Path(db))
    n = 0
    while not Path(stop_file).exists():
        n += 1
        key = f"key{rng.randrange(10**6):06d}{tag}{n:06d}"
        paper = NewPaper(
            citekey=key,
            added_at="2026-01-01T00:00:00Z",
            metadata=PaperMetadata(title=f"Added while exporting {n}", authors=("Busy Writer",)),
            tags=("added",),
        )
        with store.write():
            store.papers.insert([paper])
            if n % 2 == 0:
                store.papers.delete(queue[n // 2 - 1][0])
        queue.append([paper.id, key])
        os.pwrite(counter, f"{n:012d}".encode(), 0)
        time.sleep(delay)
    Path(queue_file).write_text(json.dumps({"queue": queue, "deleted": n // 2}))
    """
)


def _commits(count_file: Path) -> int:
    raw = count_file.read_bytes() if count_file.exists() else b""
    return int(raw) if raw.strip() else 0


def _closest_window(seen: set[int], n_papers: int, span: tuple[int, int]) -> tuple[int, int, int]:
    """(missing, extra, commit) for the commit in ``span`` whose state is closest to the queue
    positions ``seen``; (0, 0, n) when the export is exactly the state after commit n."""
    ordered = sorted(seen)
    best: tuple[int, int, int] | None = None
    for n in range(span[0], span[1] + 1):
        start, stop = n // 2, n_papers + n
        inside = bisect.bisect_left(ordered, stop) - bisect.bisect_left(ordered, start)
        lost, added = (stop - start) - inside, len(seen) - inside
        if best is None or lost + added < best[0] + best[1]:
            best = (lost, added, n)
        if lost == added == 0:
            break
    assert best is not None
    return best


def _orphan_tags(text: str) -> int:
    rows = [json.loads(line) for line in text.splitlines()]
    ids = {r["id"] for r in rows if r["_type"] == "paper"}
    return sum(1 for r in rows if r["_type"] == "tag" and r["paper_id"] not in ids)


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
    # Run outside the checkout: "python -m" puts the working directory first on sys.path,
    # ahead of the PYTHONPATH that picks the code to measure.
    return subprocess.run(
        [sys.executable, "-m", "reading_list", *args],
        env=env,
        cwd=env["READING_LIST_HOME"],
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
    (work / "home").mkdir()
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
    print(
        f"writer: a commit every {args.delay * 1000:g} ms (add a paper; every second one also "
        "removes the oldest)"
    )
    print()
    print(
        "| format | runs | consistent | missing | extra | duplicated | orphan tags | median s "
        "| commit seen |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    queue = originals
    for number, fmt in enumerate(args.formats.split(",")):
        n_papers = len(queue)
        queue_file = work / f"queue-{fmt}.json"
        stop = work / f"stop-{fmt}"
        queue_file.write_text(json.dumps(queue))
        tag = "w" + chr(ord("a") + number)
        count_file = work / f"count-{fmt}"
        writer_args = [str(db), str(queue_file), str(args.delay), str(stop), tag, str(count_file)]
        writer = subprocess.Popen([sys.executable, "-c", WRITER, *writer_args], env=ours)
        time.sleep(0.5)
        outputs, seconds, spans = [], [], []
        for _ in range(args.runs):
            command = ["dump"] if fmt == "dump" else ["export", "-F", fmt]
            before = _commits(count_file)
            started = time.perf_counter()
            result = _cli(command, theirs)
            seconds.append(time.perf_counter() - started)
            spans.append((before, _commits(count_file)))
            assert result.returncode == 0, result.stderr
            outputs.append(result.stdout)
        stop.touch()
        writer.wait(timeout=60)
        written = json.loads(queue_file.read_text())
        queue = written["queue"]
        position = {key: i for i, (_, key) in enumerate(queue)}
        consistent = missing = extra = duplicated = orphans = 0
        commits = []
        for text, span in zip(outputs, spans, strict=True):
            got = _keys(fmt, text)
            duplicated += sum(c - 1 for c in got.values())
            seen = {position[key] for key in got if key in position}
            lost, added, n = _closest_window(seen, n_papers, span)
            missing += lost
            extra += added + sum(1 for key in got if key not in position)
            orphan = _orphan_tags(text) if fmt == "dump" else 0
            orphans += orphan
            consistent += not (lost or added or orphan) and max(got.values()) == 1
            commits.append(n)
        print(
            f"| {fmt} | {args.runs} | {consistent} | {missing} | {extra} | {duplicated} | "
            f"{orphans} | {statistics.median(seconds):.2f} | {min(commits)}-{max(commits)} |"
        )
        # The next writer starts from the library as this one left it: oldest paper first.
        queue = queue[written["deleted"] :]


if __name__ == "__main__":
    main()
