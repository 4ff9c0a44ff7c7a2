"""Each concern has one door: enforce who may import what, who runs SQL and who does I/O."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reading_list"
# Settings read the environment and look for the library on disk; everything else at the
# top level is pure.
IMPURE_TOP_LEVEL = {"config", "__init__", "__main__"}
THIRD_PARTY_DOORS = {
    "sqlite_utils": ("store/",),
    "sqlite3": ("store/",),
    "requests": ("sources/",),
    "urllib3": ("sources/",),
    "httpx": ("sources/",),
    "arxiv": ("sources/",),
    "lxml": ("sources/",),
    "typer": ("cli/",),
    "click": ("cli/",),
    "rich": ("cli/",),
}
# Only sources/ talks to the network (by module name, as imported).
NETWORK_MODULES = ("requests", "urllib.request", "http.client", "socket", "urllib3", "httpx")
SQL_WORDS = ("SELECT ", "INSERT INTO", "INSERT OR", "UPDATE ", "DELETE FROM", "CREATE ", "PRAGMA ")
# Calls that touch the file system, whatever object they are called on.
FILE_CALLS = {
    "open",
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "touch",
    "mkdir",
    "makedirs",
    "unlink",
    "rmdir",
    "remove",
    "rename",
    "glob",
    "rglob",
    "iterdir",
    "listdir",
    "scandir",
    "walk",
    "stat",
    "lstat",
    "exists",
    "is_file",
    "is_dir",
    "isfile",
    "isdir",
    "getsize",
}
FILE_MODULES = ("shutil", "tempfile", "glob", "mmap")


def modules() -> Iterator[tuple[str, ast.Module]]:
    """(module path relative to the package without .py, e.g. "cli/app", its syntax tree)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).with_suffix("").as_posix(), ast.parse(path.read_text())


def imported_names(tree: ast.Module) -> set[str]:
    """Every module imported anywhere in the file (inside functions and TYPE_CHECKING too),
    by its full dotted name; relative imports are resolved against reading_list."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = "reading_list." + base
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def project_parts(tree: ast.Module) -> set[str]:
    """The project's packages and modules imported: "store", "sources", "cli", ..."""
    return {name.split(".")[1] for name in imported_names(tree) if name.startswith("reading_list.")}


def strings(tree: ast.Module) -> Iterator[str]:
    """String literals that are code, not documentation (docstrings are left out)."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node.value


def table_names() -> set[str]:
    """Every table the schema snapshot (db/schema.sql) creates."""
    schema = (PACKAGE.parent / "db" / "schema.sql").read_text()
    found = re.findall(r"CREATE (?:VIRTUAL )?TABLE [\"']?(\w+)", schema, flags=re.IGNORECASE)
    return {name.lower() for name in found}


def test_the_schema_snapshot_names_the_tables() -> None:
    assert {"papers", "paper_tags", "notes", "status_events", "lists", "list_items"} <= (
        table_names()
    )


def test_third_party_doors() -> None:
    wrong = []
    for module, tree in modules():
        for lib, rooms in THIRD_PARTY_DOORS.items():
            uses = {n for n in imported_names(tree) if n == lib or n.startswith(lib + ".")}
            if uses and not module.startswith(rooms):
                wrong.append(f"{module} imports {lib}; only {', '.join(rooms)} may")
    assert not wrong, wrong


def test_the_cli_imports_no_store_and_no_sources() -> None:
    wrong = [
        f"{module} imports reading_list.{part}"
        for module, tree in modules()
        if module.startswith("cli/")
        for part in project_parts(tree) & {"store", "sources"}
    ]
    assert not wrong, wrong


def test_only_the_store_runs_sql_or_names_tables() -> None:
    tables = table_names()
    wrong = []
    for module, tree in modules():
        if module.startswith("store/"):
            continue
        for text in strings(tree):
            words = [w for w in SQL_WORDS if w in text]
            if words:
                wrong.append(f"{module}: SQL {words[0]!r} in {text[:60]!r}")
            elif text.lower() in tables and (
                # In the CLI the one-word names are words people read (the `lists` command).
                "_" in text or not module.startswith("cli/")
            ):
                wrong.append(f"{module}: names the table {text!r}")
    assert not wrong, wrong


def test_the_sql_rule_reads_code_not_documentation() -> None:
    sample = ast.parse('"""SELECT in a docstring."""\nquery = f"SELECT id FROM {table}"\n')
    assert list(strings(sample)) == ["SELECT id FROM "]


def test_only_sources_do_network_io() -> None:
    wrong = [
        f"{module} imports {name}"
        for module, tree in modules()
        if not module.startswith("sources/")
        for name in imported_names(tree)
        if name.startswith(NETWORK_MODULES)
    ]
    assert not wrong, wrong


def test_every_source_goes_through_the_one_http_transport() -> None:
    # sources/http.py holds the sessions, throttles, size caps and retries every source shares.
    wrong = [
        f"{module} imports {name}"
        for module, tree in modules()
        if module != "sources/http"
        for name in imported_names(tree)
        if name.split(".")[0] in ("requests", "urllib3", "httpx")
    ]
    assert not wrong, wrong


def test_services_do_not_import_the_cli() -> None:
    wrong = [
        module
        for module, tree in modules()
        if module.startswith("services/") and "cli" in project_parts(tree)
    ]
    assert not wrong, wrong


def settings_read(tree: ast.Module) -> Iterator[str]:
    """READING_LIST_* variables looked up: environ.get("..."), getenv("..."), environ["..."]."""
    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("get", "getenv", "pop", "setdefault"):
                key = node.args[0]
        elif isinstance(node, ast.Subscript):
            key = node.slice
        if isinstance(key, ast.Constant) and str(key.value).startswith("READING_LIST_"):
            yield str(key.value)


def test_settings_are_read_in_config_only() -> None:
    wrong = [
        f"{module} reads {name}"
        for module, tree in modules()
        if module != "config"
        for name in settings_read(tree)
    ]
    assert not wrong, wrong
    sample = ast.parse(
        "import os\nos.environ.get('READING_LIST_X')\nos.environ['READING_LIST_Y']\n"
        "os.getenv('READING_LIST_Z', '')\nos.environ.get('HOME')\n"
    )
    assert set(settings_read(sample)) == {"READING_LIST_X", "READING_LIST_Y", "READING_LIST_Z"}


def _pure(module: str) -> bool:
    return module.startswith("formats/") or ("/" not in module and module not in IMPURE_TOP_LEVEL)


def file_io(tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in FILE_CALLS:
                yield f"{name}() on line {node.lineno}"
    for name in imported_names(tree):
        if name.split(".")[0] in FILE_MODULES:
            yield f"import {name}"


def test_formats_and_pure_modules_stay_pure() -> None:
    wrong = []
    for module, tree in modules():
        if not _pure(module):
            continue
        for part in project_parts(tree) & {"store", "sources", "services", "cli"}:
            wrong.append(f"{module} imports reading_list.{part}")
        wrong += [f"{module}: {io}" for io in file_io(tree)]
    assert not wrong, wrong


def test_the_pure_rule_sees_file_io() -> None:
    # The scanner itself: a rule that cannot fail protects nothing.
    sample = ast.parse(
        "import shutil\nfrom pathlib import Path\n"
        "def f(p: Path) -> str:\n    open('x')\n    return p.read_text()\n"
    )
    assert list(file_io(sample)) == ["open() on line 4", "read_text() on line 5", "import shutil"]
    assert _pure("formats/bibtex") and _pure("identifiers")
    assert not _pure("config") and not _pure("services/papers")


HOT_PATHS = [
    ["--version"],
    ["--help"],
    ["list", "--limit", "1"],
    ["status", "{id}", "read"],
    ["tag", "{id}", "+x"],
]


@pytest.mark.parametrize("argv", HOT_PATHS, ids=lambda a: " ".join(a))
def test_hot_paths_do_not_import_heavy_modules(argv: list[str], tmp_path: Path) -> None:
    from reading_list.metadata import PaperMetadata
    from reading_list.store import NewPaper, open_db

    db = tmp_path / "hot.db"
    store = open_db(db)
    paper = NewPaper(citekey="x1", added_at="2026-01-01T00:00:00Z", metadata=PaperMetadata("T"))
    store.papers.insert([paper])
    store.close()
    args = ["--db", str(db), *(a.replace("{id}", paper.id) for a in argv)]
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


def test_a_command_loads_its_views_and_is_built_only_when_run(tmp_path: Path) -> None:
    """Typer would build every command from its signature on every run, and the families
    would load every view: more than a quick command itself takes (cli/app.py)."""
    db = tmp_path / "lazy.db"
    code = (
        "import sys\n"
        "import reading_list.cli.app as app\n"
        "views = ('reading_list.cli.views', 'reading_list.cli.list_views')\n"
        "print('LOADED=' + ','.join(m for m in views if m in sys.modules))\n"
        "built = []\n"
        "real = app.get_command_from_info\n"
        "app.get_command_from_info = lambda i, **kw: built.append(i.name) or real(i, **kw)\n"
        f"sys.argv = ['reading-list', '--db', {str(db)!r}, 'init']\n"
        "try:\n    app.main()\nexcept SystemExit:\n    pass\n"
        "print('BUILT=' + ','.join(built))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    lines = out.stdout.strip().splitlines()
    assert "LOADED=" in lines and "BUILT=init" in lines, out.stdout + out.stderr
