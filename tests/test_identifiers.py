from __future__ import annotations

import pytest

from reading_list.errors import InvalidIdentifier
from reading_list.identifiers import (
    ArxivId,
    WorkId,
    find_arxiv_ids,
    find_dois,
    parse_arxiv_id,
    parse_work_id,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1703.05175", ArxivId("1703.05175")),
        ("1703.05175v2", ArxivId("1703.05175", 2)),
        ("arXiv:1703.05175", ArxivId("1703.05175")),
        ("ARXIV: 1703.05175v3", ArxivId("1703.05175", 3)),
        ("  1703.05175  ", ArxivId("1703.05175")),
        ("https://arxiv.org/abs/1703.05175", ArxivId("1703.05175")),
        ("http://export.arxiv.org/abs/1703.05175v2", ArxivId("1703.05175", 2)),
        ("https://arxiv.org/pdf/1703.05175.pdf", ArxivId("1703.05175")),
        ("https://arxiv.org/pdf/1703.05175v1", ArxivId("1703.05175", 1)),
        ("arxiv.org/html/2401.12345v1", ArxivId("2401.12345", 1)),
        ("https://arxiv.org/abs/1703.05175?context=cs", ArxivId("1703.05175")),
        ("hep-th/9901001", ArxivId("hep-th/9901001")),
        ("hep-th/9901001v2", ArxivId("hep-th/9901001", 2)),
        ("math.GT/0309136", ArxivId("math/0309136")),
        ("https://arxiv.org/abs/hep-th/9901001", ArxivId("hep-th/9901001")),
        ("10.48550/arXiv.1703.05175", ArxivId("1703.05175")),
        ("https://doi.org/10.48550/arXiv.1703.05175", ArxivId("1703.05175")),
        ("doi:10.48550/ARXIV.1703.05175", ArxivId("1703.05175")),
        ("0704.0001", ArxivId("0704.0001")),
    ],
)
def test_parses_every_shape(raw: str, expected: ArxivId) -> None:
    assert parse_arxiv_id(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "1309.119",
        "1713.05175",
        "1703.05175,",
        "0703.0001",
        "1412.12345",
        "1501.1234",
        "foo/9901001",
        "hep-th/9913001",
        "1703.05175v0",
        "https://example.org/abs/1703.05175",
        "10.1000/xyz",
    ],
)
def test_rejects_with_the_bad_value_named(raw: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_arxiv_id(raw)
    assert repr(raw) in str(info.value)


def test_str_keeps_version_apart() -> None:
    assert str(parse_arxiv_id("1703.05175v2")) == "1703.05175v2"
    assert parse_arxiv_id("1703.05175v2").id == "1703.05175"
    assert parse_arxiv_id("hep-th/9901001").is_old_style


def test_finds_ids_in_text_without_false_hits() -> None:
    text = "see arXiv:1703.05175v2, https://arxiv.org/abs/hep-th/9901001 and 1703.05175 again"
    assert [i.id for i in find_arxiv_ids(text)] == ["1703.05175", "hep-th/9901001"]
    assert find_arxiv_ids("version 12.3456.78 or 11703.05175 or 3.14159") == []


@pytest.mark.parametrize(
    "raw", ["１７０３.０５１７５", "١٧٠٣.٠٥١٧٥", "arXiv:１７０３.05175", "1703.05175v２"]
)
def test_look_alike_digits_are_not_arxiv_ids(raw: str) -> None:
    with pytest.raises(InvalidIdentifier):
        parse_arxiv_id(raw)
    assert find_arxiv_ids(f"see {raw} here") == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.1162/neco.1997.9.8.1735", WorkId("doi", "10.1162/neco.1997.9.8.1735")),
        ("doi:10.1162/NECO.1997.9.8.1735", WorkId("doi", "10.1162/neco.1997.9.8.1735")),
        ("DOI: 10.1109/5.726791", WorkId("doi", "10.1109/5.726791")),
        ("https://doi.org/10.1109/5.726791", WorkId("doi", "10.1109/5.726791")),
        ("http://dx.doi.org/10.1109/5.726791", WorkId("doi", "10.1109/5.726791")),
        ("https://doi.org/10.1002%2F0470841559.ch1", WorkId("doi", "10.1002/0470841559.ch1")),
        (
            "https://dl.acm.org/doi/10.1145/3292500.3330701",
            WorkId("doi", "10.1145/3292500.3330701"),
        ),
        (
            "https://dl.acm.org/doi/abs/10.1145/3292500.3330701",
            WorkId("doi", "10.1145/3292500.3330701"),
        ),
        (
            "https://link.springer.com/content/pdf/10.1007/s10994-021-05946-3.pdf",
            WorkId("doi", "10.1007/s10994-021-05946-3"),
        ),
        (
            "https://onlinelibrary.wiley.com/doi/full/10.1002/andp.19053220607",
            WorkId("doi", "10.1002/andp.19053220607"),
        ),
        (
            "https://journals.aps.org/prl/abstract/10.1103/PhysRevLett.116.061102",
            WorkId("doi", "10.1103/physrevlett.116.061102"),
        ),
        ("https://doi.org/10.48550/arXiv.1703.05175", WorkId("arxiv", "1703.05175")),
        ("1703.05175v2", WorkId("arxiv", "1703.05175", 2)),
        ("conf/nips/VaswaniSPUJGKP17", WorkId("dblp", "conf/nips/VaswaniSPUJGKP17")),
        ("DBLP:conf/iclr/RaviL17", WorkId("dblp", "conf/iclr/RaviL17")),
        ("https://dblp.org/rec/conf/icml/MenonTGLK13", WorkId("dblp", "conf/icml/MenonTGLK13")),
        (
            "https://dblp.org/rec/conf/icml/MenonTGLK13.html",
            WorkId("dblp", "conf/icml/MenonTGLK13"),
        ),
        (
            "https://dblp.org/rec/journals/jmlr/BleiNJ03.bib",
            WorkId("dblp", "journals/jmlr/BleiNJ03"),
        ),
        (
            "https://dblp.uni-trier.de/rec/bib/journals/corr/abs-1703-05175",
            WorkId("dblp", "journals/corr/abs-1703-05175"),
        ),
        ("https://openreview.net/forum?id=Sy8gdB9xx", WorkId("openreview", "Sy8gdB9xx")),
        ("https://openreview.net/pdf?id=Sy8gdB9xx", WorkId("openreview", "Sy8gdB9xx")),
        ("openreview:HJWLfGWRb", WorkId("openreview", "HJWLfGWRb")),
        ("https://aclanthology.org/P19-1001/", WorkId("acl", "P19-1001")),
        ("https://aclanthology.org/2020.acl-main.1.pdf", WorkId("acl", "2020.acl-main.1")),
        ("https://www.aclweb.org/anthology/N19-1423", WorkId("acl", "N19-1423")),
        (
            "http://proceedings.mlr.press/v28/menon13.html",
            WorkId("url", "http://proceedings.mlr.press/v28/menon13.html"),
        ),
    ],
)
def test_parses_every_kind_of_work_id(raw: str, expected: WorkId) -> None:
    assert parse_work_id(raw) == expected


@pytest.mark.parametrize("raw", ["", "hello world", "10.1/x", "doi:", "conf/nips", "ftp://x.org/a"])
def test_rejects_what_is_no_work_id(raw: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_work_id(raw)
    assert repr(raw) in str(info.value)


def test_finds_dois_in_text() -> None:
    text = "see doi:10.1162/neco.1997.9.8.1735, and (https://doi.org/10.1109/5.726791)."
    assert find_dois(text) == ["10.1162/neco.1997.9.8.1735", "10.1109/5.726791"]
