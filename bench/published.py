"""Published versions of the AMA list (and every corpus paper matches.json names) against the
shared emulators: requests per source, links found, and links that disagree with matches.json.

    python bench/published.py --shared ../shared [--full] [--delays] [--out result.json]

--full serves dblp's full corpus (164k records) instead of the 97-record test subset;
--delays keeps the real throttles (dblp 1.5 s, Crossref 1 s, arXiv 3 s) so the wall time is
what a user waits. Each run uses a fresh library and cache in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def start(
    tool: Path, corpus: list[Path], work: Path, name: str
) -> tuple[subprocess.Popen[bytes], str, Path]:
    port_file, log = work / f"{name}.port", work / f"{name}.log"
    cmd = [
        sys.executable,
        str(tool),
        "--port",
        "0",
        "--port-file",
        str(port_file),
        "--log",
        str(log),
    ]
    for path in corpus:
        cmd += ["--corpus", str(path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while not (port_file.exists() and port_file.read_text().strip()):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{name} emulator did not start")
        time.sleep(0.2)
    return proc, f"http://127.0.0.1:{port_file.read_text().strip()}", log


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reading_list", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def log_count(log: Path) -> int:
    return sum(1 for line in log.read_text().splitlines() if line.strip()) if log.exists() else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--delays", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    shared = args.shared.resolve()
    tools, corpus = shared / "tools", shared / "corpus"
    dblp_corpus = corpus / "dblp" / ("dblp-records.jsonl.xz" if args.full else "dblp-small.jsonl")
    matches = json.loads((corpus / "dblp" / "matches.json").read_text())
    with tempfile.TemporaryDirectory(prefix="rl-published-") as tmp:
        work = Path(tmp)
        t0 = time.monotonic()
        procs = []
        arxiv, arxiv_url, arxiv_log = start(
            tools / "arxiv_emulator.py", [corpus / "arxiv-papers.jsonl"], work, "arxiv"
        )
        dblp, dblp_url, dblp_log = start(tools / "dblp_emulator.py", [dblp_corpus], work, "dblp")
        procs += [arxiv, dblp]
        started = time.monotonic() - t0
        env = {
            **os.environ,
            "READING_LIST_HOME": str(work / "home"),
            "READING_LIST_ARXIV_URL": arxiv_url + "/api/query",
            "READING_LIST_DBLP_URL": dblp_url,
            "READING_LIST_CROSSREF_URL": "http://127.0.0.1:9",
            "READING_LIST_DOI_URL": "http://127.0.0.1:9",
        }
        if not args.delays:
            env.update(READING_LIST_ARXIV_DELAY="0", READING_LIST_DBLP_DELAY="0")
        try:
            t1 = time.monotonic()
            seed = cli(env, "seed", "google-brain-ama-2017", "--json")
            check = cli(env, "check", "--list", "google-brain-ama-2017", "--json")
            ama_wall = time.monotonic() - t1
            ama_arxiv, ama_dblp = log_count(arxiv_log), log_count(dblp_log)
            report = json.loads(check.stdout)["published"]
            ids = [m["arxiv_id"] for m in matches["published_versions"]]
            ids += matches["unmatched_arxiv"]
            cli(env, "add", *ids)
            corpus_check = json.loads(cli(env, "check", "--json").stdout)["published"]
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=30)
        expected = {m["arxiv_id"]: m for m in matches["published_versions"]}
        linked = {x["paper_id"]: x["key"] for x in report["linked"] + corpus_check["linked"]}
        wrong = {p: k for p, k in linked.items() if p not in expected or expected[p]["key"] != k}
        by_confidence = Counter(m["confidence"] for m in expected.values())
        found = Counter(expected[p]["confidence"] for p in linked if p not in wrong)
        paths = Counter(
            json.loads(line)["path"].split("?")[0].split("/")[1]
            for line in dblp_log.read_text().splitlines()
            if line.strip()
        )
        result: dict[str, Any] = {
            "dblp_corpus": dblp_corpus.name,
            "delays": args.delays,
            "emulators_started_s": round(started, 1),
            "ama": {
                "seed_exit": seed.returncode,
                "check_exit": check.returncode,
                "wall_s": round(ama_wall, 1),
                "requests": {"arxiv": ama_arxiv, "dblp": ama_dblp, "crossref": 0},
                "linked": len(report["linked"]),
                "not_in_dblp": len(report["none"]),
                "pending": len(report["pending"]),
            },
            "corpus": {
                "matches_listed": dict(by_confidence),
                "linked_right": dict(found),
                "wrong_links": wrong,
                "dblp_requests_total": log_count(dblp_log),
                "dblp_requests_by_route": dict(paths),
            },
        }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
