"""What TeX survives into a bibliography: harmless TeX kept, everything that reads, writes,
runs or redefines printed as text instead."""

from __future__ import annotations

import pytest

from reading_list.tex import tex_to_unicode
from reading_list.tex_safety import as_printed_text, braces_balanced, math_is_safe, safe_tex


@pytest.mark.parametrize(
    "value",
    [
        r"The {\TeX}book",
        r"Learning $O(n^2)$ functions with $\mathcal{L}_{\alpha}$",
        r"G{\"o}del, Escher, Bach \& friends",
        r"100\% accurate",
        r"{Barnes and Noble}",
        r"Caf\'e au lait \emph{now}",
    ],
)
def test_harmless_tex_is_kept_verbatim(value: str) -> None:
    assert safe_tex(value) == value


@pytest.mark.parametrize(
    ("value", "primitive"),
    [
        (r"$\input{/etc/hostname}$", "input"),
        (r"A \input{/etc/hostname} title", "input"),
        (r"\immediate\write18{rm -rf ~}", "write18"),
        (r"$\csname input\endcsname{x}$", "csname"),
        (r"\catcode`\^=7", "catcode"),
        (r"\def\x{y}\x", "def"),
        (r"\makeatletter\@input{x}", "@input"),
        (r"^^5cinput{/etc/passwd}", "^^"),
        (r"$^^5cinput{x}$", "^^"),
    ],
)
def test_unsafe_tex_is_printed_not_run(value: str, primitive: str) -> None:
    safe = safe_tex(value)
    assert braces_balanced(safe)
    # The primitive is still readable, but no longer a control sequence (nor a ^^ spelling).
    assert f"\\{primitive}" not in safe.replace("\\textbackslash{}", "")
    assert "^^" not in safe
    assert "textbackslash" in safe or "textasciicircum" in safe


@pytest.mark.parametrize(
    "value",
    ["unbalanced } closes the field", "opens { never closes", "ends in a backslash \\"],
)
def test_values_that_could_leave_their_field_are_printed_whole(value: str) -> None:
    safe = safe_tex(value)
    assert braces_balanced(safe)
    assert safe == as_printed_text(value)
    assert not safe.endswith("\\")


def test_comment_characters_and_lone_dollars_are_escaped() -> None:
    assert safe_tex("50% off") == r"50\% off"
    assert safe_tex(r"line\\% comment") == r"line\\\% comment"
    assert safe_tex("costs $5") == r"costs \$5"


def test_math_spans_are_judged_on_their_own() -> None:
    assert math_is_safe(r"$\frac{a}{b}$")
    assert not math_is_safe(r"$\frac{a}{b$")
    assert not math_is_safe(r"$a \input x$")
    assert not math_is_safe("$50% of x$")
    mixed = safe_tex(r"Fast $O(n)$ and $\input x$ together")
    assert "$O(n)$" in mixed
    assert r"\$\textbackslash{}input x\$" in mixed


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"{CNN}s and \{braces\}", "CNNs and {braces}"),
        ("{a}\x00b \x01c", "a\x00b \x01c"),  # characters once used as placeholders stay as given
        ("{\x00}\\}", "\x00}"),
    ],
)
def test_decoding_keeps_every_character_it_does_not_decode(tex: str, text: str) -> None:
    assert tex_to_unicode(tex) == text
