"""Deterministic arXiv-style .bib libraries for the benchmark.

Each entry: 3-8 authors (about one in five with a non-ASCII name), a ~160-word abstract,
arXiv eprint fields, keywords; the query word appears in about 3 % of titles.
Usage: python bench/generate.py N OUT.bib
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

QUERY_WORD = "transformer"
GIVEN = [
    "Alice",
    "Bo",
    "Chen",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kavya",
    "Liam",
    "Maya",
    "Noor",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tara",
]
GIVEN_NON_ASCII = ["Zoë", "Łukasz", "José", "Søren", "Ümit", "Aäron", "Matěj", "Ørjan"]
FAMILY = [
    "Smith",
    "Wang",
    "Garcia",
    "Kumar",
    "Müller",
    "Novak",
    "Okafor",
    "Rossi",
    "Sato",
    "Silva",
    "Tanaka",
    "Ivanov",
    "Kowalski",
    "Nguyen",
    "Haddad",
    "Larsen",
    "Bošnjak",
    "Åström",
    "Dubois",
    "Fischer",
    "Horvat",
    "Jensen",
    "Kim",
    "Lopez",
    "Moreau",
]
WORDS = (
    "learning network deep model training data neural optimization gradient sparse "
    "attention graph representation inference bayesian robust efficient scalable adaptive "
    "convolutional recurrent generative adversarial reinforcement policy reward agent "
    "embedding language vision speech retrieval kernel variational latent causal "
    "federated privacy fairness benchmark dataset theory bound convergence stochastic "
    "memory compression pruning quantization distillation meta few-shot contrastive"
).split()
CATEGORIES = ["cs.LG", "cs.CL", "cs.CV", "stat.ML", "cs.AI", "cs.NE", "math.OC"]


def entry(i: int, rng: random.Random) -> dict[str, Any]:
    # Unique, valid new-style ids: (year, month, number) determines i.
    year = 2015 + i % 10
    month = 1 + (i // 10) % 12
    number = f"{year % 100:02d}{month:02d}.{i // 120:05d}"
    n_authors = rng.randint(3, 8)
    authors = []
    for _ in range(n_authors):
        given = rng.choice(GIVEN_NON_ASCII if rng.random() < 0.2 else GIVEN)
        authors.append((rng.choice(FAMILY), given))
    title_words = [rng.choice(WORDS) for _ in range(rng.randint(5, 10))]
    if rng.random() < 0.03:
        title_words.insert(rng.randint(0, len(title_words)), QUERY_WORD)
    return {
        "key": f"key{i:06d}",
        "title": " ".join(title_words).capitalize(),
        "authors": authors,
        "year": year,
        "eprint": number,
        "primaryclass": rng.choice(CATEGORIES),
        "abstract": " ".join(rng.choice(WORDS) for _ in range(160)).capitalize() + ".",
        "keywords": ", ".join(sorted({rng.choice(WORDS) for _ in range(3)})),
    }


def entries(n: int, seed: int = 2017) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for i in range(n):
        yield entry(i, rng)


def to_bibtex(e: dict[str, Any]) -> str:
    authors = " and ".join(f"{family}, {given}" for family, given in e["authors"])
    return (
        f"@misc{{{e['key']},\n"
        f"  title = {{{e['title']}}},\n"
        f"  author = {{{authors}}},\n"
        f"  year = {{{e['year']}}},\n"
        f"  eprint = {{{e['eprint']}}},\n"
        f"  archivePrefix = {{arXiv}},\n"
        f"  primaryClass = {{{e['primaryclass']}}},\n"
        f"  abstract = {{{e['abstract']}}},\n"
        f"  keywords = {{{e['keywords']}}},\n"
        f"}}\n"
    )


def generate(n: int, out: Path, seed: int = 2017) -> None:
    with out.open("w", encoding="utf-8") as handle:
        for e in entries(n, seed):
            handle.write(to_bibtex(e))
            handle.write("\n")


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
