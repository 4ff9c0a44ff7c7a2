"""Score the citation resolver on citation files with ground truth.

    python bench/resolver.py ../shared/corpus/ama-citations.json \
        --emulator ../shared/tools/arxiv_emulator.py --corpus ../shared/corpus/arxiv-papers.jsonl
    python bench/resolver.py ../shared/corpus/ama-citations.json bench/lists/*.md \
        bench/lists/*.txt --emulator ../shared/tools/arxiv_emulator.py \
        --corpus ../shared/corpus/arxiv-world/arxiv-world.jsonl.xz \
        --corpus ../shared/corpus/arxiv-papers.jsonl

A JSON file is an array of objects with ``cited_as`` (and optional ``authors_hint``,
``year_hint``) plus the truth: ``arxiv_id`` (null when the work is not on arXiv) and optional
``also_arxiv_ids``; only cited_as / authors_hint / year_hint reach the resolver. Any other file
(text, Markdown, an article) goes through the same parser and resolver as ``reading-list
resolve``, with its truth in ``<file stem>.truth.json`` (line number -> arXiv id, a list of
ids, or null); a truth line the parser gives no reference for counts as a miss.

With --corpus files given, a truth id absent from them counts as "not on arXiv" for the run
(the emulator cannot serve it). Without --emulator, the endpoint is $READING_LIST_ARXIV_URL
(the real arXiv if unset: mind its limits). Prints, per file: precision (right ids among ids
given), recall (right ids among works on arXiv), accuracy (right id or rightly none, over all
items), wrong ids, and the arXiv requests sent with an empty cache.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reading_list.config import load_settings
from reading_list.models import Citation, Resolution
from reading_list.resolve import resolve_citations
from reading_list.services.library import Library
from reading_list.services.lists import resolve_file
from reading_list.sources.arxiv import ArxivClient


def start_emulator(emulator: Path, corpus: list[Path], workdir: Path) -> subprocess.Popen[bytes]:
    port_file = workdir / "port"
    cmd = [sys.executable, str(emulator), "--port", "0", "--port-file", str(port_file)]
    for path in corpus:
        cmd += ["--corpus", str(path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while not (port_file.exists() and port_file.read_text().strip()):
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise SystemExit("the emulator did not start")
        time.sleep(0.2)
    os.environ["READING_LIST_ARXIV_URL"] = (
        f"http://127.0.0.1:{port_file.read_text().strip()}/api/query"
    )
    os.environ.setdefault("READING_LIST_ARXIV_DELAY", "0")
    return proc


def corpus_ids(paths: list[Path]) -> set[str] | None:
    if not paths:
        return None
    ids: set[str] = set()
    for path in paths:
        opener = lzma.open if path.suffix == ".xz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    ids.add(json.loads(line)["arxiv_id"])
    return ids


def _truth(value: Any, served: set[str] | None) -> set[str]:
    ids = set(value) if isinstance(value, list) else {value} - {None}
    return {i for i in ids if served is None or i in served}


def score(pairs: list[tuple[set[str], str | None, str]]) -> dict[str, Any]:
    """(truth, answer, label) per item -> the figures."""
    given = right = rightly_none = on_arxiv = 0
    wrong = []
    for truth, answer, label in pairs:
        on_arxiv += bool(truth)
        if answer is None:
            rightly_none += not truth
            continue
        given += 1
        if answer in truth:
            right += 1
        else:
            wrong.append(f"{label!r} -> {answer}")
    return {
        "items": len(pairs),
        "right": right,
        "on_arxiv": on_arxiv,
        "precision": round(right / given, 3) if given else None,
        "recall": round(right / on_arxiv, 3) if on_arxiv else None,
        "accuracy": round((right + rightly_none) / len(pairs), 3) if pairs else None,
        "wrong_ids": wrong,
        "ids_given": given,
    }


def run_json_file(path: Path, client: ArxivClient, served: set[str] | None) -> dict[str, Any]:
    items = json.loads(path.read_text(encoding="utf-8"))
    citations = [Citation.model_validate(item) for item in items]
    results = resolve_citations(client, citations)
    pairs = [
        (
            _truth([item.get("arxiv_id"), *item.get("also_arxiv_ids", [])], served),
            result.arxiv_id,
            item["cited_as"],
        )
        for item, result in zip(items, results, strict=True)
    ]
    return score(pairs)


def run_text_file(path: Path, lib: Library, served: set[str] | None) -> dict[str, Any]:
    truth_path = path.with_name(path.stem + ".truth.json")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    report = resolve_file(lib, path)
    by_line: dict[int, list[Resolution]] = {}
    for result in report.results:
        by_line.setdefault(result.line or 0, []).append(result)
    pairs = []
    for line, value in truth.items():
        answers = [r.arxiv_id for r in by_line.get(int(line), [])]
        label = f"line {line}"
        pairs.append((_truth(value, served), next((a for a in answers if a), None), label))
    figures = score(pairs)
    counts = report.counts
    figures["lines"] = counts.lines
    figures["answered_lines"] = (
        counts.reference_lines + counts.skipped + counts.blank + (counts.headings)
    )
    figures["unanswered_truth_lines"] = [line for line in truth if int(line) not in by_line]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("citations", type=Path, nargs="+")
    parser.add_argument("--emulator", type=Path)
    parser.add_argument("--corpus", type=Path, action="append", default=[])
    parser.add_argument("--url", help="an emulator already running (instead of --emulator)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.url:
        os.environ["READING_LIST_ARXIV_URL"] = args.url
        os.environ.setdefault("READING_LIST_ARXIV_DELAY", "0")
    served = corpus_ids(args.corpus)
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["READING_LIST_HOME"] = str(work / "home")
        proc = start_emulator(args.emulator, args.corpus, work) if args.emulator else None
        try:
            for n, path in enumerate(args.citations):
                # An empty cache for every file: its requests are its own.
                os.environ["READING_LIST_CACHE_DIR"] = str(work / f"cache{n}")
                settings = load_settings(work / f"unused{n}.db")
                started = time.perf_counter()
                if path.suffix == ".json":
                    client = ArxivClient(settings)
                    figures = run_json_file(path, client, served)
                else:
                    lib = Library(settings)
                    figures = run_text_file(path, lib, served)
                    client = lib.client
                figures["arxiv_requests"] = client.requests_sent
                figures["seconds"] = round(time.perf_counter() - started, 2)
                out[str(path)] = figures
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait()
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for path_name, figures in out.items():
        print(path_name)
        for key, value in figures.items():
            print(f"{key:>24}: {value}")


if __name__ == "__main__":
    main()
