"""The dblp and Crossref clients against the shared emulators and their injected faults.

Skipped with a reason where ../shared is absent; CI always has it (and fails without it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reading_list.config import load_settings
from reading_list.sources.crossref import CrossrefClient
from reading_list.sources.dblp import DblpClient
from reading_list.works import WorkRecord
from tests.conftest import Emulator

pytestmark = pytest.mark.emulator

TITLES = [
    "Prototypical Networks for Few-shot Learning",
    "Batch Normalization: Accelerating Deep Network Training",
    "Optimization as a Model for Few-Shot Learning",
    "Latent Dirichlet Allocation",
    "Dynamic Routing Between Capsules",
]
KEYS = ["conf/nips/SnellSZ17", "conf/icml/MenonTGLK13", "conf/nips/Ioffe17"]
DOIS = ["10.1162/neco.1997.9.8.1735", "10.1109/5.726791", "10.1145/3411764.3445646"]


def dblp_answers() -> list[list[WorkRecord] | WorkRecord | None]:
    client = DblpClient(load_settings())
    out: list[list[WorkRecord] | WorkRecord | None] = [client.search_title(t) for t in TITLES]
    out += [client.record(k) for k in KEYS]
    out.append(client.find_by_link("https://openreview.net/forum?id=Sy8gdB9xx"))
    return out


def crossref_answers() -> list[WorkRecord | None]:
    client = CrossrefClient(load_settings())
    return [client.work(d) for d in DOIS] + [client.work("10.1234/not-a-registered-doi")]


@pytest.mark.parametrize(
    "flags",
    [
        ["--fail-every", "3"],
        ["--rate-limit-seconds", "0.3"],
        ["--rate-limit-seconds", "0.3", "--ratelimit-body", "empty"],
        ["--malformed-every", "2"],
        ["--empty-every", "2"],
        ["--html-every", "2"],
    ],
    ids=["503", "429-html", "429-empty", "truncated", "empty", "html"],
)
def test_dblp_faults_give_the_clean_answers(
    dblp_emulator: Callable[..., Emulator],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    flags: list[str],
) -> None:
    dblp_emulator()
    monkeypatch.setenv("READING_LIST_CACHE_DIR", str(tmp_path / "clean"))
    clean = dblp_answers()
    assert clean[0] and clean[-1] is not None
    dblp_emulator(*flags)
    monkeypatch.setenv("READING_LIST_CACHE_DIR", str(tmp_path / "faulty"))
    monkeypatch.setenv("READING_LIST_ARXIV_RETRIES", "6")
    assert dblp_answers() == clean


@pytest.mark.parametrize(
    "flags",
    [
        ["--fail-every", "3"],
        ["--rate-limit-seconds", "0.3"],
        ["--malformed-every", "2"],
        ["--empty-every", "2"],
        ["--empty-every", "3"],
    ],
    ids=["503", "429", "truncated", "empty-2", "empty-3"],
)
def test_crossref_faults_give_the_clean_answers(
    crossref_emulator: Callable[..., Emulator],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    flags: list[str],
) -> None:
    crossref_emulator()
    monkeypatch.setenv("READING_LIST_CACHE_DIR", str(tmp_path / "clean"))
    clean = crossref_answers()
    assert all(r is not None for r in clean[:-1]) and clean[-1] is None
    crossref_emulator(*flags)
    monkeypatch.setenv("READING_LIST_CACHE_DIR", str(tmp_path / "faulty"))
    monkeypatch.setenv("READING_LIST_ARXIV_RETRIES", "6")
    assert crossref_answers() == clean


def test_doi_org_negotiation_through_the_emulator(
    crossref_emulator: Callable[..., Emulator],
) -> None:
    emu = crossref_emulator()
    client = CrossrefClient(load_settings())
    record = client._negotiated_work("10.1126/science.169.3946.635")
    assert record is not None and record.source == "doi.org"
    assert record.fields["journal"] == "Science" and record.authors == ["Henry S. Frank"]
    paths = [r["path"] for r in emu.requests()]
    assert paths == [
        "/10.1126/science.169.3946.635",
        "/v1/works/10.1126%2Fscience.169.3946.635/transform",
    ]
