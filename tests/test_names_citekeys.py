from __future__ import annotations

from reading_list.citekeys import base_citekey, title_word, unique_citekey
from reading_list.names import fold_ascii, split_name


def test_fold_map_handles_letters_nfkd_leaves_alone() -> None:
    assert fold_ascii("Łukasz Straße Øyvind Bošnjak Rocktäschel") == (
        "Lukasz Strasse Oyvind Bosnjak Rocktaschel"
    )


def test_split_name_particles_suffixes_and_corporate() -> None:
    assert split_name("Aäron van den Oord").full_family == "van den Oord"
    assert split_name("Aäron van den Oord").given == "Aäron"
    assert split_name("Nando de Freitas").particle == "de"
    assert split_name("Martin Luther King Jr").family == "King"
    assert split_name("Oord, Aäron").family == "Oord"
    assert split_name("ATLAS Collaboration").corporate
    assert split_name("Ian J. Goodfellow").family == "Goodfellow"


def test_citekey_formula() -> None:
    assert base_citekey(["Jake Snell"], 2017, "Prototypical Networks for Few-shot Learning") == (
        "snell2017prototypical"
    )
    assert base_citekey(["Aäron van den Oord"], 2016, "WaveNet: A Generative Model") == (
        "vandenoord2016wavenet"
    )
    assert base_citekey(["Łukasz Kaiser"], 2017, "One Model To Learn Them All") == ("kaiser2017one")
    assert base_citekey(["Matko Bošnjak"], 2016, "Programming with a Differentiable Forth") == (
        "bosnjak2016programming"
    )


def test_citekey_skips_math_and_stopwords_and_falls_back_for_cjk() -> None:
    assert title_word("On the $O(N \\log N)$ Bound of Things") == "bound"
    key = base_citekey(["王小明"], 2017, "A Study", fallback="1703.05175")
    assert key == "arxiv1703051752017study"
    assert key.isascii() and key.isalnum()


def test_clash_suffixes_are_case_insensitive() -> None:
    assert unique_citekey("snell2017a", []) == "snell2017a"
    assert unique_citekey("snell2017a", ["Snell2017A"]) == "snell2017aa"
    taken = ["x"] + [f"x{chr(c)}" for c in range(ord("a"), ord("z") + 1)]
    assert unique_citekey("x", taken) == "xaa"
