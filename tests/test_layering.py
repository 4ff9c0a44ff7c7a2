"""Each concern has one door: enforce who may import what."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reading_list"
PURE = {
    "identifiers",
    "names",
    "citekeys",
    "scoring",
    "models",
    "works",
    "tex",
    "formats/references",
    "formats/reference_lines",
    "formats/article",
    "formats/bibtex",
    "formats/tabular",
}
RULES = {
    "sqlite_utils": {"store/connection", "store/migrations"},
    "sqlite3": {"store/connection"},
    "requests": {"sources/http"},
    "arxiv": {"sources/arxiv"},
    "lxml": {"sources/arxiv"},
    "typer": {"cli/app", "config"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def project_imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("reading_list.")
        ):
            out.add(".".join(node.module.split(".")[1:3]))
    return out


def test_third_party_doors() -> None:
    for path in PACKAGE.rglob("*.py"):
        module = path.relative_to(PACKAGE).with_suffix("").as_posix()
        for lib, allowed in RULES.items():
            if lib in imports_of(path):
                assert module in allowed, f"{module} imports {lib}; only {sorted(allowed)} may"


def test_pure_modules_do_no_io_and_cli_holds_no_sql() -> None:
    for module in PURE:
        path = PACKAGE / f"{module}.py"
        if not path.exists():
            continue
        deps = project_imports_of(path)
        assert not {
            d for d in deps if d.split(".")[0] in ("store", "sources", "services", "cli")
        }, (
            module,
            deps,
        )
        source = path.read_text()
        assert "open(" not in source.replace("fdopen(", ""), module
    cli = (PACKAGE / "cli" / "app.py").read_text()
    for word in ("SELECT ", "INSERT ", "UPDATE ", "requests.", "sqlite_utils"):
        assert word not in cli, word
    assert "store" not in project_imports_of(PACKAGE / "resolve.py")


HOT_PATHS = [
    ["--version"],
    ["--help"],
    ["list", "--limit", "1"],
    ["status", "{id}", "read"],
    ["tag", "{id}", "+x"],
]


@pytest.mark.parametrize("argv", HOT_PATHS, ids=lambda a: " ".join(a))
def test_hot_paths_do_not_import_heavy_modules(argv: list[str], tmp_path: Path) -> None:
    from reading_list.store import open_db

    db = tmp_path / "hot.db"
    store = open_db(db)
    store.insert_paper(
        {
            "id": "x1",
            "kind": "manual",
            "citekey": "x1",
            "title": "T",
            "authors": [],
            "added_at": "2026-01-01T00:00:00Z",
        }
    )
    store.conn.commit()
    store.close()
    args = ["--db", str(db), *(a.replace("{id}", "x1") for a in argv)]
    code = (
        f"import sys; from reading_list.cli import main; sys.argv=['reading-list', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "mods=('pydantic','sqlite_utils','requests','arxiv','lxml')\n"
        "heavy=[m for m in mods if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY=", out.stdout + out.stderr


def test_no_shell_anywhere() -> None:
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text()
        for banned in ("shell=True", "os.system(", "os.popen(", "eval(", "exec("):
            assert banned not in source, f"{path.name} uses {banned}"


def test_version_answers_before_loading_the_cli_framework() -> None:
    code = (
        "import sys; sys.argv = ['reading-list', '--version']\n"
        "from reading_list.cli import main; main()\n"
        "print('LOADED=' + ','.join(m for m in ('typer', 'click', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["reading-list 0.1.0", "LOADED="]
