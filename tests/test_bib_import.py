"""Importing an existing .bib library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reading_list.formats.bibreader import (
    arxiv_id_of,
    entry_metadata,
    read_bib,
    split_bib_authors,
)
from tests.arxiv_stub import StubServer
from tests.conftest import Run

LIBRARY = r"""
@misc{snell2017prototypical,
  title = {Prototypical Networks for Few-shot Learning},
  author = {Snell, Jake and Swersky, Kevin and Zemel, Richard S.},
  year = {2017},
  eprint = {1703.05175},
  archivePrefix = {arXiv},
  primaryClass = {cs.LG},
  keywords = {few-shot, Metric Learning},
  readstatus = {read},
}

@article{DBLP:journals/corr/BalogGBNT16,
  author = {Matej Balog and Alexander L. Gaunt},
  title = {DeepCoder: Learning to Write Programs},
  journal = {CoRR},
  volume = {abs/1611.01989},
  url = {http://arxiv.org/abs/1611.01989},
  year = {2016},
}

@article{broken,
  title = {Unclosed {brace,
  year = 2020
}

@article{blei2003latent,
  title = {Latent {D}irichlet Allocation},
  author = {Blei, David M. and Ng, Andrew Y. and Jordan, Michael I. and {The LDA Group}},
  journal = {Journal of Machine Learning Research},
  doi = {https://doi.org/10.5555/944919.944937},
  year = {2003},
}

@misc{same as before,
  title = {Sch{\"o}nheit and Bo\v{s}njak},
  author = {van den Oord, A{\"a}ron},
  doi = {10.48550/arXiv.1609.03499},
}
"""


def test_mapping_of_authors_ids_and_fields(tmp_path: Path) -> None:
    assert split_bib_authors("Snell, Jake and {Barnes and Noble} and van den Oord, Aäron") == [
        "Jake Snell",
        "Barnes and Noble",
        "Aäron van den Oord",
    ]
    path = tmp_path / "lib.bib"
    path.write_text(LIBRARY)
    with path.open("rb") as handle:
        chunks = list(read_bib(handle, chunk_entries=2))
    entries = [e for c in chunks for e in c.entries]
    failed = [f for c in chunks for f in c.failed]
    assert [e.key for e in entries] == [
        "snell2017prototypical",
        "DBLP:journals/corr/BalogGBNT16",
        "blei2003latent",
        "same as before",
    ]
    assert failed and failed[0][0] == 22, failed
    ids = [arxiv_id_of(e.fields) for e in entries]
    assert ids == ["1703.05175", "1611.01989", None, "1609.03499"]
    rows = [entry_metadata(e, i) for e, i in zip(entries, ids, strict=True)]
    assert rows[0].primary_category == "cs.LG"
    assert rows[2].doi == "10.5555/944919.944937"
    assert rows[2].title == "Latent Dirichlet Allocation"
    assert rows[2].authors[-1] == "The LDA Group"
    assert rows[3].title == "Schönheit and Bošnjak"
    assert rows[3].year == 2016


def test_import_bib_end_to_end(stub: StubServer, run: Run, run_json: Any, tmp_path: Path) -> None:
    path = tmp_path / "lib.bib"
    path.write_text(LIBRARY)
    result = run("import-bib", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["added"], report["manual"], report["exists"]) == (3, 1, 0)
    assert report["failed"][0]["line"] == 22
    assert stub.state.requests == [], "no network without --fetch"
    papers = {p["citekey"]: p for p in run_json("list")}
    assert set(papers) == {
        "snell2017prototypical",
        "DBLP:journals/corr/BalogGBNT16",
        "blei2003latent",
        "vandenoord2016schonheit",
    }
    snell = papers["snell2017prototypical"]
    # Keywords keep the file's spelling; they match as tags whatever the case or separators.
    assert snell["tags"] == ["few-shot", "Metric Learning"] and snell["status"] == "read"
    assert snell["fetched_at"] is None
    assert papers["blei2003latent"]["kind"] == "manual"
    again = json.loads(run("import-bib", str(path), "--json").stdout)
    assert again["exists"] == 4 and again["added"] == 0
    assert run_json("search", "tag:few-shot")[0]["id"] == "1703.05175"
    assert run_json("list", "--tag", "metric-learning")[0]["id"] == "1703.05175"
    assert (
        run("list", "-q", "tag:few-shot").stdout.split("\t")[-1].strip()
        == "few-shot,Metric Learning"
    )


def test_import_bib_fetch_enriches_in_one_batch(
    stub: StubServer, run: Run, run_json: Any, tmp_path: Path
) -> None:
    path = tmp_path / "lib.bib"
    path.write_text(LIBRARY)
    result = run("import-bib", str(path), "--fetch")
    assert result.exit_code == 0, result.stderr
    assert len(stub.state.requests) == 1
    assert run_json("show", "1611.01989")["fetched_at"] is not None
    assert run_json("show", "1611.01989")["citekey"] == "DBLP:journals/corr/BalogGBNT16"
