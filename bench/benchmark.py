"""Benchmark reading-list against pubs 0.9 and papis 0.16 on the same generated libraries.

    python bench/benchmark.py                      # 1k, 10k, 100k; writes .bench/results.json
    python bench/benchmark.py --sizes 1000 --runs 3
    python bench/benchmark.py --sizes 10000 --ops export   # the libraries of an earlier run

Each tool lives in its own venv under .bench/ (created on first use from PyPI: pubs needs
bibtexparser==1.4.4 pinned to run at all). Every figure is a whole process, the median of
--runs runs after one warm-up run, with the process's peak RSS. Imports that exceed
--import-timeout are reported as such; the library is then written in the tool's own on-disk
format so that the other operations can still be measured (pubs: bib/ + meta/ files, and the
cache of parsed entries its import would leave, written by one untimed export; papis: one
folder with info.yaml per document). The checkout itself is reinstalled in its venv on every
run, so that the code measured is the code checked out. papis is measured up to --papis-max entries.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".bench"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import QUERY_WORD, entries, generate  # noqa: E402

OPS = ("import", "list", "search", "status", "tag", "export", "version", "help")


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    note: str = ""

    def summary(self) -> dict[str, Any]:
        if not self.seconds:
            return {"median_s": None, "peak_rss_mb": None, "runs": 0, "note": self.note}
        return {
            "median_s": round(statistics.median(self.seconds), 3),
            "peak_rss_mb": round(max(self.rss_mb), 1),
            "runs": len(self.seconds),
            "note": self.note,
        }


def timed(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one whole process (output discarded)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            raise TimeoutError
        time.sleep(0.005)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_maxrss / 1024


def venv(name: str, packages: list[str], *, refresh: list[str] | None = None) -> Path:
    """The venv's bin folder, created with ``packages`` on first use; ``refresh`` is
    reinstalled every time (the checkout's own code, which changes between runs)."""
    path = WORK / f"venv-{name}"
    if not (path / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        subprocess.run([str(path / "bin" / "pip"), "install", "-q", *packages], check=True)
    elif refresh and name not in _REFRESHED:
        pip = [str(path / "bin" / "pip"), "install", "-q", "--no-deps", "--force-reinstall"]
        subprocess.run([*pip, *refresh], check=True)
    _REFRESHED.add(name)
    return path / "bin"


_REFRESHED: set[str] = set()


class Tool:
    name = ""

    def __init__(self, size: int, bib: Path) -> None:
        self.size = size
        self.bib = bib
        self.home = WORK / f"{self.name}-{size}"
        self.key = "key000001"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPIS", "READING_LIST"))}
        env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / "cfg"),
            XDG_CACHE_HOME=str(self.home / "cache"),
            XDG_DATA_HOME=str(self.home / "data"),
        )
        return env

    def reset(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)
        self.home.mkdir(parents=True)

    def commands(self) -> dict[str, list[str]]:
        raise NotImplementedError

    def populate(self) -> None:
        raise NotImplementedError


class Ours(Tool):
    name = "reading-list"

    def __init__(self, size: int, bib: Path) -> None:
        super().__init__(size, bib)
        self.bin = venv("ours", [str(ROOT)], refresh=[str(ROOT)])
        self.db = self.home / "library.db"
        self.key = next(entries(1))["eprint"]

    def base(self) -> list[str]:
        return [str(self.bin / "reading-list"), "--db", str(self.db)]

    def commands(self) -> dict[str, list[str]]:
        base = self.base()
        return {
            "import": [*base, "import-bib", str(self.bib)],
            "list": [*base, "list"],
            "search": [*base, "search", f"title:{QUERY_WORD}"],
            "status": [*base, "status", self.key, "read"],
            "tag": [*base, "tag", self.key, "+bench"],
            "export": [*base, "export"],
            "version": [str(self.bin / "reading-list"), "--version"],
            "help": [str(self.bin / "reading-list"), "--help"],
        }

    def populate(self) -> None:
        raise RuntimeError("reading-list imports every size")


class Pubs(Tool):
    name = "pubs"

    def __init__(self, size: int, bib: Path) -> None:
        super().__init__(size, bib)
        self.bin = venv("pubs", ["pubs==0.9.0", "bibtexparser==1.4.4"])
        self.key = "key000000"

    def conf(self) -> Path:
        return self.home / "pubsrc"

    def reset(self) -> None:
        super().reset()
        subprocess.run(
            [str(self.bin / "pubs"), "-c", str(self.conf()), "init", "-p", str(self.home / "repo")],
            env=self.env(),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def commands(self) -> dict[str, list[str]]:
        base = [str(self.bin / "pubs"), "-c", str(self.conf())]
        return {
            "import": [*base, "import", str(self.bib)],
            "list": [*base, "list"],
            "search": [*base, "list", f"title:{QUERY_WORD}"],
            # pubs has no reading status: a tag is the nearest it has.
            "status": [*base, "tag", self.key, "read"],
            "tag": [*base, "tag", self.key, "bench"],
            "export": [*base, "export"],
            "version": [*base, "--version"],
            "help": [*base, "--help"],
        }

    def populate(self) -> None:
        from generate import to_bibtex

        repo = self.home / "repo"
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
        for e in entries(self.size):
            (repo / "bib" / f"{e['key']}.bib").write_text(to_bibtex(e), encoding="utf-8")
            (repo / "meta" / f"{e['key']}.yaml").write_text(
                f"added: {stamp}\ndocfile: null\ntags: !!set {{}}\n", encoding="utf-8"
            )
        # pubs's import leaves its cache of parsed entries (repo/.cache) behind, and without it
        # every command parses every file again: one export, untimed, writes it as pubs would.
        subprocess.run(
            self.commands()["export"],
            env=self.env(),
            cwd=self.home,
            check=True,
            stdout=subprocess.DEVNULL,
        )


class Papis(Tool):
    name = "papis"

    def __init__(self, size: int, bib: Path) -> None:
        super().__init__(size, bib)
        self.bin = venv("papis", ["papis==0.16.0"])

    def reset(self) -> None:
        super().reset()
        (self.home / "lib").mkdir()
        (self.home / "cfg" / "papis").mkdir(parents=True)
        (self.home / "cfg" / "papis" / "config").write_text(
            f"[settings]\ndefault-library = bench\n\n[bench]\ndir = {self.home / 'lib'}\n"
        )

    def commands(self) -> dict[str, list[str]]:
        base = [str(self.bin / "papis")]
        query = f"ref:{self.key}"
        return {
            "import": [*base, "bibtex", "read", str(self.bib), "import", "--all", "--batch"],
            "list": [*base, "list", "--all"],
            "search": [*base, "list", "--all", f"title:{QUERY_WORD}"],
            "status": [*base, "update", "--set", "status", "read", query],
            "tag": [*base, "tag", "--add", "bench", query],
            "export": [*base, "export", "--all", "--format", "bibtex"],
            "version": [*base, "--version"],
            "help": [*base, "--help"],
        }

    def populate(self) -> None:
        lib = self.home / "lib"
        for n, e in enumerate(entries(self.size)):
            folder = lib / e["key"]
            folder.mkdir()
            lines = [
                f"abstract: {json.dumps(e['abstract'])}",
                "archiveprefix: arXiv",
                "author: " + json.dumps(" and ".join(f"{f}, {g}" for f, g in e["authors"])),
                "author_list:",
                *(f"- family: {json.dumps(f)}\n  given: {json.dumps(g)}" for f, g in e["authors"]),
                f"eprint: '{e['eprint']}'",
                f"keywords: {json.dumps(e['keywords'])}",
                f"papis_id: {n:032x}",
                f"primaryclass: {e['primaryclass']}",
                f"ref: {e['key']}",
                f"title: {json.dumps(e['title'])}",
                "type: misc",
                f"year: '{e['year']}'",
            ]
            (folder / "info.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure(tool: Tool, op: str, runs: int, timeout: float) -> Sample:
    cmd = tool.commands()[op]
    sample = Sample()
    try:
        timed(cmd, tool.env(), tool.home, timeout)  # warm-up (caches, bytecode)
        for _ in range(runs):
            seconds, rss = timed(cmd, tool.env(), tool.home, timeout)
            sample.seconds.append(seconds)
            sample.rss_mb.append(rss)
    except TimeoutError:
        sample.note = f"> {timeout:.0f} s"
    except RuntimeError as exc:
        sample.note = f"failed: {exc}"
    return sample


def measure_import(tool: Tool, runs: int, timeout: float) -> Sample:
    sample = Sample()
    for _ in range(runs):
        tool.reset()
        try:
            seconds, rss = timed(tool.commands()["import"], tool.env(), tool.home, timeout)
        except TimeoutError:
            sample.note = f"> {timeout:.0f} s"
            break
        except RuntimeError as exc:
            sample.note = f"failed: {exc}"
            break
        sample.seconds.append(seconds)
        sample.rss_mb.append(rss)
        if seconds > timeout / 5:
            sample.note = "1 run (slow)" if len(sample.seconds) == 1 else sample.note
            break
    if sample.note.startswith((">", "failed")) or not sample.seconds:
        tool.reset()
        tool.populate()
        sample.note += "; library written directly for the other operations"
    return sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tools", default="reading-list,pubs,papis")
    parser.add_argument("--import-timeout", type=float, default=600)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--papis-max", type=int, default=10000)
    parser.add_argument(
        "--ops",
        default=",".join(OPS),
        help="the operations to measure; without import, the libraries of an earlier run",
    )
    parser.add_argument("--out", type=Path, default=WORK / "results.json")
    parser.add_argument(
        "--render",
        type=Path,
        nargs="+",
        help="only print the table of these result files, later ones overriding earlier",
    )
    args = parser.parse_args()
    if args.render:
        print(render_table(merge([json.loads(p.read_text()) for p in args.render])))
        return
    WORK.mkdir(exist_ok=True)
    tools: dict[str, Callable[[int, Path], Tool]] = {
        "reading-list": Ours,
        "pubs": Pubs,
        "papis": Papis,
    }
    results: dict[str, Any] = {
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "runs": args.runs,
        "results": {},
    }
    for size in (int(s) for s in args.sizes.split(",")):
        bib = WORK / f"bench-{size}.bib"
        if not bib.exists():
            generate(size, bib)
        for name in args.tools.split(","):
            if name == "papis" and size > args.papis_max:
                continue
            tool = tools[name](size, bib)
            row: dict[str, Any] = {}
            ops = [op for op in OPS if op in args.ops.split(",")]
            if "import" in ops:
                print(f"[{size}] {name}: import", file=sys.stderr, flush=True)
                row["import"] = measure_import(tool, args.runs, args.import_timeout).summary()
            elif not tool.home.is_dir():
                sys.exit(f"no {tool.home} from an earlier run: measure import first")
            for op in (o for o in ops if o != "import"):
                print(f"[{size}] {name}: {op}", file=sys.stderr, flush=True)
                row[op] = measure(tool, op, args.runs, args.timeout).summary()
            results["results"].setdefault(str(size), {})[name] = row
            args.out.write_text(json.dumps(results, indent=2))
    print(render_table(results))


def merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Results of several runs, a later run's tool at a size replacing an earlier one's."""
    merged = dict(runs[-1], results={})
    for run in runs:
        for size, tools in run["results"].items():
            merged["results"].setdefault(size, {}).update(tools)
    return merged


def render_table(results: dict[str, Any]) -> str:
    lines = [
        f"Machine: {results['machine']}; date {results['date']}; median of {results['runs']} "
        "runs after a warm-up, whole processes; peak RSS in MB.",
        "",
        "| size | operation | reading-list | pubs 0.9 | papis 0.16 | pubs / ours | papis / ours |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for size, tools in results["results"].items():
        for op in OPS:
            cells, seconds, at_least = [], {}, {}
            for name in ("reading-list", "pubs", "papis"):
                entry = tools.get(name, {}).get(op)
                if entry is None:
                    cells.append("–")
                    continue
                if entry["median_s"] is None:
                    cells.append(entry["note"].split(";")[0] or "–")
                    if entry["note"].startswith("> "):
                        # Killed at the timeout: the timeout is a lower bound of its time.
                        at_least[name] = float(entry["note"][2:].split()[0])
                    continue
                seconds[name] = entry["median_s"]
                note = f" ({entry['note'].split(';')[0]})" if entry["note"] else ""
                cells.append(f"{entry['median_s']:.3f} s / {entry['peak_rss_mb']:.0f} MB{note}")
            ours = seconds.get("reading-list")
            ratios = [
                f"{seconds[n] / ours:.1f}x"
                if ours and n in seconds
                else f"> {at_least[n] / ours:.0f}x"
                if ours and n in at_least
                else "–"
                for n in ("pubs", "papis")
            ]
            lines.append(f"| {int(size):,} | {op} | " + " | ".join(cells + ratios) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
