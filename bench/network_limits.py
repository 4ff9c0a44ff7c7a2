"""What a hostile server costs the CLI: peak RSS and wall time of `reading-list add` against
a 1 MB gzip bomb (1 GB inflated), a 10 GB body, a body and headers trickling one byte at a
time, and a Retry-After of 299 s, each in a fresh process.

    python bench/network_limits.py [--timeout 5] [--out result.json]
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.http_stub import (  # noqa: E402
    LocalServer,
    failing,
    gzip_bomb,
    json_route,
    serve_endless,
    serve_gzip_bomb,
    trickle,
    trickle_headers,
)

CASES = {
    "gzip bomb (1 MB -> 1 GB)": "/bomb",
    "10 GB body": "/endless",
    "body at 1 byte / 0.05 s": "/trickle",
    "headers at 1 byte / 0.05 s": "/trickle-headers",
    "503 with Retry-After: 299": "/busy",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    results = []
    gzip_bomb()  # built before the clock starts
    with LocalServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.routes.update(
            {
                "/bomb": serve_gzip_bomb,
                "/endless": serve_endless,
                "/trickle": trickle(0.05, 1_000_000),
                "/trickle-headers": trickle_headers(0.05),
                "/busy": failing(99, json_route({}), retry_after="299"),
            }
        )
        for label, path in CASES.items():
            env = {
                **os.environ,
                "READING_LIST_HOME": str(Path(tmp) / label.replace(" ", "_")),
                "READING_LIST_ARXIV_URL": server.url(path),
                "READING_LIST_ARXIV_TIMEOUT": str(args.timeout),
                "READING_LIST_ARXIV_DELAY": "0",
            }
            started = time.monotonic()
            proc = subprocess.run(
                [
                    "/usr/bin/time",
                    "-f",
                    "%M",
                    sys.executable,
                    "-m",
                    "reading_list",
                    "add",
                    "1703.05175",
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.monotonic() - started
            lines = proc.stderr.strip().splitlines()
            results.append(
                {
                    "case": label,
                    "exit": proc.returncode,
                    "wall_s": round(wall, 1),
                    "peak_rss_mb": round(int(lines[-1]) / 1024, 1),
                    "message": next((x for x in lines if x.startswith("error:")), ""),
                }
            )
    for r in results:
        head = f"{r['case']:<30} exit {r['exit']}  {r['wall_s']:>6} s  {r['peak_rss_mb']:>6} MB"
        print(f"{head}  {r['message'][:90]}")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
