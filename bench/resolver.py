"""Score the citation resolver on a citations file with ground truth.

    python bench/resolver.py ../shared/corpus/ama-citations.json \
        --emulator ../shared/tools/arxiv_emulator.py --corpus ../shared/corpus/arxiv-papers.jsonl

The file is a JSON array of objects with ``cited_as`` (and optional ``authors_hint``,
``year_hint``) plus the truth: ``arxiv_id`` (null when the work is not on arXiv) and optional
``also_arxiv_ids``. Only cited_as / authors_hint / year_hint reach the resolver. Without
--emulator, the endpoint is $READING_LIST_ARXIV_URL (the real arXiv if unset: mind its limits).
Prints precision (right ids among ids given), recall (right ids among works on arXiv),
accuracy (right id or rightly none, over all items), wrong ids, and the arXiv requests sent
with an empty cache.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reading_list.config import load_settings
from reading_list.models import Citation
from reading_list.resolve import resolve_citations
from reading_list.sources.arxiv import ArxivClient


def start_emulator(emulator: Path, corpus: list[Path], workdir: Path) -> subprocess.Popen[bytes]:
    port_file = workdir / "port"
    cmd = [sys.executable, str(emulator), "--port", "0", "--port-file", str(port_file)]
    for path in corpus:
        cmd += ["--corpus", str(path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not (port_file.exists() and port_file.read_text().strip()):
        if time.monotonic() > deadline:
            proc.kill()
            raise SystemExit("the emulator did not start")
        time.sleep(0.05)
    os.environ["READING_LIST_ARXIV_URL"] = (
        f"http://127.0.0.1:{port_file.read_text().strip()}/api/query"
    )
    os.environ.setdefault("READING_LIST_ARXIV_DELAY", "0")
    return proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("citations", type=Path)
    parser.add_argument("--emulator", type=Path)
    parser.add_argument("--corpus", type=Path, action="append", default=[])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    items = json.loads(args.citations.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["READING_LIST_HOME"] = str(work / "home")
        os.environ["READING_LIST_CACHE_DIR"] = str(work / "cache")
        proc = start_emulator(args.emulator, args.corpus, work) if args.emulator else None
        try:
            client = ArxivClient(load_settings(work / "unused.db"))
            citations = [Citation.model_validate(item) for item in items]
            started = time.perf_counter()
            results = resolve_citations(client, citations)
            seconds = time.perf_counter() - started
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait()
    given = right = rightly_none = on_arxiv = 0
    wrong = []
    for item, result in zip(items, results, strict=True):
        truth = {item.get("arxiv_id"), *item.get("also_arxiv_ids", [])} - {None}
        on_arxiv += bool(truth)
        if result.arxiv_id is None:
            rightly_none += not truth
            continue
        given += 1
        if result.arxiv_id in truth:
            right += 1
        else:
            wrong.append(f"{item['cited_as']!r} -> {result.arxiv_id}")
    figures = {
        "items": len(items),
        "precision": round(right / given, 3) if given else None,
        "recall": round(right / on_arxiv, 3) if on_arxiv else None,
        "accuracy": round((right + rightly_none) / len(items), 3),
        "wrong_ids": wrong,
        "ids_given": given,
        "arxiv_requests": client.requests_sent,
        "seconds": round(seconds, 2),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        print(f"{key:>15}: {value}")


if __name__ == "__main__":
    main()
