"""Pure scoring: plain asserts, no network."""

from __future__ import annotations

from reading_list.models import ArxivRecord, Candidate
from reading_list.scoring import (
    ACCEPT,
    CitationQuery,
    decide,
    hint_surnames,
    plan_queries,
    rank,
    title_similarity,
)


def record(arxiv_id: str, title: str, authors: list[str], published: str) -> ArxivRecord:
    return ArxivRecord(arxiv_id=arxiv_id, title=title, authors=authors, published=published)


def test_title_similarity_shapes() -> None:
    assert title_similarity("Learningto Execute", "Learning to Execute")[0] == 1.0
    assert (
        title_similarity(
            "prototypical networks for few-shot learning",
            "Prototypical Networks for Few-shot Learning",
        )[0]
        == 1.0
    )
    assert title_similarity("DeepCoder", "DeepCoder: Learning to Write Programs")[0] == 0.95
    contained, needs_support = title_similarity(
        "Differentiable Forth", "Programming with a Differentiable Forth Interpreter"
    )
    assert 0.7 <= contained < 1.0 and needs_support
    unrelated, _ = title_similarity(
        "Optimization As A Model For Few-Shot Learning",
        "Few-Shot Learning with Graph Neural Networks",
    )
    assert unrelated < ACCEPT
    assert title_similarity("Schrödinger $\\alpha$ bridges", "Schrodinger alpha bridges")[0] == 1.0


def test_hint_surnames() -> None:
    assert hint_surnames("Matko Bosnjak et al.") == ["bosnjak"]
    assert hint_surnames("Wojciech Zaremba, Ilya Sutskever") == ["zaremba", "sutskever"]
    assert hint_surnames("Snell, J., Swersky, K., & Zemel, R.")[:1] == ["snell"]
    assert hint_surnames("Sara Sabour, Geoffrey Hinton (the Toronto team)") == ["sabour", "hinton"]


def test_containment_alone_is_not_enough_but_an_author_is() -> None:
    forth = record(
        "1605.06640",
        "Programming with a Differentiable Forth Interpreter",
        ["Matko Bošnjak", "Tim Rocktäschel"],
        "2016-05-21",
    )
    alone = rank(CitationQuery("Differentiable Forth"), [forth])
    assert decide(alone)[0] is None
    backed = rank(CitationQuery("Differentiable Forth", "Matko Bosnjak et al.", 2017), [forth])
    best, _ = decide(backed)
    assert best is not None and best.arxiv_id == "1605.06640"


def test_named_authors_all_absent_sink_a_same_title_paper() -> None:
    same_title = record("2010.12621", "Learning to Execute", ["David Bieber"], "2020-10-23")
    ranked = rank(
        CitationQuery("Learning to Execute", "Wojciech Zaremba, Ilya Sutskever"), [same_title]
    )
    assert decide(ranked)[0] is None
    assert ranked[0].score <= 0.5


def test_year_far_off_penalised() -> None:
    paper = record("1410.4615", "Learning to Execute", ["Wojciech Zaremba"], "2014-10-17")
    near = rank(CitationQuery("Learning to Execute", "Zaremba", 2015), [paper])[0].score
    far = rank(CitationQuery("Learning to Execute", "Zaremba", 2019), [paper])[0].score
    assert near > ACCEPT > far


def test_margin_required_over_runner_up() -> None:
    a = Candidate(arxiv_id="a", title="x", score=0.9)
    b = Candidate(arxiv_id="b", title="y", score=0.85)
    best, reason = decide([a, b])
    assert best is None and "ambiguous" in reason
    assert decide([a])[0] == a
    assert decide([])[0] is None


def test_query_plan_is_field_restricted() -> None:
    plans = plan_queries(CitationQuery("Learning to Execute", "Wojciech Zaremba", 2014))
    assert plans[0] == 'ti:"learning to execute"'
    assert "ti:learning AND ti:execute" in plans
    assert any(p.startswith("au:zaremba AND (") for p in plans)
    variants = CitationQuery("imitation from video (third-person imitation learning)").variants
    assert "third-person imitation learning" in variants
