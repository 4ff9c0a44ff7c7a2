from __future__ import annotations

import pytest

from reading_list.errors import InvalidIdentifier
from reading_list.identifiers import ArxivId, find_arxiv_ids, parse_arxiv_id


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
