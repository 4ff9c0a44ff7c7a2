"""Where seed lists are found and how they are read; formats/seeds.py is their format."""

from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from reading_list.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from reading_list.formats.seeds import SeedList


def _installed_seed_dir() -> Traversable | None:
    """The seeds installed as package data (wheel, --user, pipx); an editable install or a
    bare checkout has no such package and reads the checkout's seeds/ folder instead."""
    from importlib import resources

    try:
        return resources.files("reading_list.shipped_seeds")
    except ModuleNotFoundError:
        return None


def seed_dirs(first: Path | None = None) -> list[Traversable]:
    """Where seed lists are looked for: ``first`` (the READING_LIST_SEEDS setting), the
    installed package data, the checkout."""
    dirs: list[Traversable] = [] if first is None else [first]
    if installed := _installed_seed_dir():
        dirs.append(installed)
    dirs.append(Path(__file__).resolve().parents[2] / "seeds")
    return dirs


def load_seed_file(path: Traversable) -> SeedList:
    # The format (pydantic) is loaded only to read a seed, not to name one (completion).
    from reading_list.formats.seeds import parse_seed

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read seed file {path}: {exc}") from None
    return parse_seed(text, name=path.name.removesuffix(".json"), source=str(path))


def available_seeds(first: Path | None = None) -> dict[str, Traversable]:
    found: dict[str, Traversable] = {}
    for directory in seed_dirs(first):
        if directory.is_dir():
            for path in sorted(directory.iterdir(), key=lambda p: p.name):
                if path.name.endswith(".json"):
                    found.setdefault(path.name.removesuffix(".json"), path)
    return found


def seed_names(first: Path | None = None) -> list[str]:
    return sorted(available_seeds(first))


def find_seed(name: str, first: Path | None = None) -> SeedList:
    """A shipped seed by name, or a seed file given by its path."""
    seeds = available_seeds(first)
    path = Path(name)
    if path.suffix == ".json" and path.is_file():
        return load_seed_file(path)
    if name not in seeds:
        known = ", ".join(sorted(seeds)) or "none"
        raise NotFound(f"no seed list named {name!r} (available: {known})")
    return load_seed_file(seeds[name])
