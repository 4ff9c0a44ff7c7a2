"""Pure parsing of citation files."""

from __future__ import annotations

import pytest

from reading_list.errors import InvalidInput
from reading_list.formats.references import parse_references, split_reference

MARKDOWN = """# Reading list

Why these papers: a paragraph of prose that is not a reference at all.

## Few-shot learning
- [x] [Prototypical Networks for Few-shot Learning](https://arxiv.org/abs/1703.05175v2)
- [ ] Optimization as a Model for Few-Shot Learning ([OpenReview](https://openreview.net/forum?id=rJY0-Kcll))
- meta-learning

## Programs
1. DeepCoder (Balog et al., 2016)
2. [pdf](https://arxiv.org/pdf/1703.07469.pdf)
3. Zaremba, W., & Sutskever, I. (2014). Learning to execute. arXiv preprint.

```bash
pip install something
```
"""


def test_markdown_list_shapes() -> None:
    parsed = parse_references(MARKDOWN)
    refs = parsed.references
    assert [r.line for r in refs] == [6, 7, 11, 12, 13]
    proto, opt, deepcoder, robustfill, execute = refs
    assert proto.arxiv_id == "1703.05175" and proto.read is True
    assert proto.tags == ["few-shot learning"]
    assert opt.arxiv_id is None and opt.url == "https://openreview.net/forum?id=rJY0-Kcll"
    assert opt.read is False
    assert opt.citation.cited_as == "Optimization as a Model for Few-Shot Learning"
    assert deepcoder.citation.authors_hint == "Balog et al."
    assert deepcoder.citation.year_hint == 2016
    assert deepcoder.tags == ["programs"]
    assert robustfill.arxiv_id == "1703.07469"
    assert execute.citation.cited_as == "Learning to execute"
    assert execute.citation.year_hint == 2014
    reasons = {s.line: s.reason for s in parsed.skipped}
    assert reasons[3].startswith("prose")
    assert reasons[8].startswith("a keyword")
    assert reasons[16] == "code block"


def test_plain_text_one_reference_per_line() -> None:
    parsed = parse_references(
        "Learning to Execute (Zaremba, Sutskever, 2014)\narXiv:1703.05175\nGAN\n"
    )
    assert [r.citation.cited_as for r in parsed.references] == [
        "Learning to Execute",
        "arXiv:1703.05175",
        "GAN",
    ]
    assert parsed.references[1].arxiv_id == "1703.05175"
    assert parsed.skipped == []


def test_json_array_and_its_errors() -> None:
    parsed = parse_references('[{"cited_as": "DeepCoder", "year_hint": 2016, "topic": "x"}]')
    assert parsed.references[0].citation.year_hint == 2016
    with pytest.raises(InvalidInput, match="line 1"):
        parse_references('[{"cited_as": "x",]')
    with pytest.raises(InvalidInput, match="item 1"):
        parse_references('[{"title": "no cited_as"}]')
    with pytest.raises(InvalidInput, match="binary"):
        parse_references("abc\x00def")


def test_split_reference_forms() -> None:
    quoted = split_reference('Zaremba and Sutskever, "Learning to Execute", 2014')
    assert quoted is not None
    assert quoted.cited_as == "Learning to Execute" and quoted.year_hint == 2014
    assert quoted.authors_hint == "Zaremba and Sutskever"
    chinese = split_reference("《Sharp Minima Can Generalize For Deep Nets》")
    assert chinese is not None and chinese.cited_as == "Sharp Minima Can Generalize For Deep Nets"
    assert split_reference(" : ; ") is None
