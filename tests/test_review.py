"""Review that forgives: a wrong answer is explained and asked again, `n` asks for the manual
entry's fields, an item can be settled on any paper already in the library, and a settled item
keeps its section's tags."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.arxiv_stub import StubServer
from tests.conftest import Run
from tests.test_terminal import in_terminal

VAGUE = """# Reading
## Meta learning
- Learning to learn by gradient descent
- Matching Networks for One Shot Learning (Vinyals et al., 2016)
- Some work on capsules (Hinton)
"""


@pytest.fixture
def imported(stub: StubServer, run: Run, tmp_path: Path) -> list[dict[str, Any]]:
    path = tmp_path / "vague.md"
    path.write_text(VAGUE)
    report = json.loads(run("import", str(path), "--list", "r", "--json").stdout)
    states = [item["state"] for item in report["items"]]
    assert states == ["unresolved", "resolved", "unresolved"], report
    items: list[dict[str, Any]] = report["items"]
    return items


def _items(run: Run) -> dict[int, dict[str, Any]]:
    why = json.loads(run("why", "1606.04080", "--json").stdout)
    return {item["position"]: item for item in why}


def test_a_wrong_answer_is_asked_again_and_n_asks_for_the_entry(
    imported: list[dict[str, Any]], run: Run, run_json: Any
) -> None:
    screen = in_terminal(
        ["review", "--list", "r"],
        120,
        answers=[
            "9999",  # not a candidate's number
            "no-such-key",  # not an id, not a paper in the library
            "vinyals2016matching",  # a paper already in the library, by citekey
            "n",
            "",  # title: as cited
            "Geoffrey Hinton, Sara Sabour",
            "someday",  # not a year: asked again
            "2017",
            "https://example.org/capsules",
        ],
    )
    text = "\n".join(screen)
    assert "9999 is not a candidate's number (1-" in text
    assert "'no-such-key' is not an arXiv id, nor a paper in your library" in text
    assert "'someday' is not a year" in text
    first = run_json("why", "1606.04080")["items"]
    assert [(i["list"], i["position"], i["state"]) for i in first] == [
        ("r", 1, "resolved"),
        ("r", 2, "resolved"),
    ]
    manual = next(p for p in run_json("list", "--list", "r") if p["kind"] == "manual")
    assert manual["title"] == "Some work on capsules"
    assert manual["authors"] == ["Geoffrey Hinton", "Sara Sabour"]
    assert manual["year"] == 2017 and manual["url"] == "https://example.org/capsules"
    # Settled in review, both keep the tags of their section.
    assert manual["tags"] == ["meta learning"]
    assert run_json("show", "1606.04080")["tags"] == ["meta learning"]
    assert "nothing to review" in run("review", "--list", "r").stderr


def test_an_item_settles_on_a_paper_in_the_library_or_a_candidate(
    imported: list[dict[str, Any]], run: Run, run_json: Any
) -> None:
    run("add", "1703.05175", ok=True)
    run("review", "--list", "r", "--item", "3", "--accept", "snell2017prototypical", ok=True)
    assert run_json("why", "1703.05175")["items"][0]["position"] == 3
    assert run_json("show", "1703.05175")["tags"] == ["meta learning"]
    run("review", "--list", "r", "--item", "1", "--accept", "1", ok=True)
    candidate = imported[0]["candidates"][0]["arxiv_id"]
    assert run_json("why", candidate)["items"][0]["state"] == "resolved"
    assert run_json("show", candidate)["tags"] == ["meta learning"]
    wrong = run("review", "--list", "r", "--item", "2", "--accept", "9999")
    assert wrong.exit_code == 1 and "9999 is not a candidate's number" in wrong.stderr


def test_a_manual_entry_from_the_options(
    imported: list[dict[str, Any]], run: Run, run_json: Any
) -> None:
    run(
        "review", "--list", "r", "--item", "3", "--not-on-arxiv",
        "--title", "Capsules, the unpublished notes", "--authors", "G. Hinton", "--year", "2015",
        ok=True,
    )  # fmt: skip
    manual = next(p for p in run_json("list", "--list", "r") if p["kind"] == "manual")
    assert (manual["title"], manual["authors"], manual["year"]) == (
        "Capsules, the unpublished notes",
        ["G. Hinton"],
        2015,
    )
    assert run("review", "--title", "x").exit_code == 2
