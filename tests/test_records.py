"""Typed records: BibTeX's name rules, keys from a work's own metadata, and a .bib that comes
back whole: import-bib then export keeps every entry's type and every field's value (compared
after parsing both files with bibtexparser, TeX decoded on both sides), merges entries of works
already held, and keeps their keys as aliases that exports honour.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string

from reading_list.citekeys import base_citekey
from reading_list.formats.bibreader import MONTHS, resolve_value
from reading_list.names import parse_bibtex_name, parse_bibtex_names, split_name
from reading_list.tex import tex_to_unicode
from tests.conftest import Run

SAMPLE = Path(__file__).parent / "data" / "records-sample.bib"


def _installed(name: str) -> Path | None:
    if shutil.which("kpsewhich") is None:
        return None
    found = subprocess.run(["kpsewhich", name], capture_output=True, text=True, timeout=30)
    path = Path(found.stdout.strip())
    return path if found.returncode == 0 and path.is_file() else None


def _sample(name: str) -> Path:
    if name == SAMPLE.name:
        return SAMPLE
    path = _installed(name)
    if path is None:
        pytest.skip(f"{name} not found by kpsewhich (TeX Live's bibtex/biblatex not installed)")
    return path


# ---- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "given", "von", "family", "suffix"),
    [
        ("Donald E. Knuth", "Donald E.", "", "Knuth", ""),
        ("Knuth, Donald E.", "Donald E.", "", "Knuth", ""),
        ("Ford, Jr., Henry", "Henry", "", "Ford", "Jr."),
        ("Ludwig van Beethoven", "Ludwig", "van", "Beethoven", ""),
        ('van den Oord, A{\\"a}ron', 'A{\\"a}ron', "van den", "Oord", ""),
        # BibTeX's von part runs from the first to the last lower-case word.
        (
            "Charles Jean de la Vall{\\'e}e Poussin",
            "Charles Jean",
            "de la",
            "Vall{\\'e}e Poussin",
            "",
        ),
        (
            "de la Vall{\\'e}e Poussin, Charles Jean",
            "Charles Jean",
            "de la",
            "Vall{\\'e}e Poussin",
            "",
        ),
        # Capitalised particles before the last word begin the family name (arXiv's strings).
        ("Nicolas Le Roux", "Nicolas", "", "Le Roux", ""),
        ("Jean De La Fontaine", "Jean", "", "De La Fontaine", ""),
        ("Le Roux, Nicolas", "Nicolas", "", "Le Roux", ""),
        # Braces protect; a braced special character has the case of its letter.
        ("Per {Brinch Hansen}", "Per", "", "{Brinch Hansen}", ""),
        ("{\\'E}mile Zola", "{\\'E}mile", "", "Zola", ""),
        ("{\\'e}mile Zola", "", "{\\'e}mile", "Zola", ""),
        ("{\\OE}rjan Smith", "{\\OE}rjan", "", "Smith", ""),
        ("Plato", "", "", "Plato", ""),
    ],
)
def test_bibtex_name_forms(name: str, given: str, von: str, family: str, suffix: str) -> None:
    parts = parse_bibtex_name(name)
    assert (parts.given, parts.particle, parts.family, parts.suffix) == (given, von, family, suffix)
    assert not parts.corporate


def test_name_lists_keep_corporate_names_whole_and_others_as_a_flag() -> None:
    listed = parse_bibtex_names("{Barnes and Noble} and Snell, Jake AND  others")
    assert listed.others
    assert [(n.family, n.corporate) for n in listed.names] == [
        ("Barnes and Noble", True),
        ("Snell", False),
    ]
    assert not parse_bibtex_names("Others, Jane").others
    assert parse_bibtex_names("").names == ()
    # The arXiv-string splitter follows the same rule for capitalised particles.
    assert split_name("Nicolas Le Roux").full_family == "Le Roux"
    assert split_name("Charles Jean de la Vallée Poussin").full_family == "de la Vallée Poussin"


def test_keys_come_from_the_works_own_metadata() -> None:
    assert base_citekey([], 2017, "Attention Is All You Need") == "attention2017need"
    assert base_citekey([], 2020, "Situation Reports", organisation="World Health Org") == (
        "world2020situation"
    )
    # A name without Latin letters: the arXiv id only for a work on arXiv, never "arxiv".
    assert base_citekey(["王小明"], 2019, "A Study of Things") == "study2019things"
    assert base_citekey(["王小明"], 2019, "A Study", fallback="1901.00001").startswith("arxiv")
    assert base_citekey(["Nicolas Le Roux"], 2008, "Topmoumoute") == "leroux2008topmoumoute"


# ---- the round trip ----------------------------------------------------------------------------


def _parsed(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """key -> (type, field -> value) as bibtexparser reads a file, @string names, month
    macros and ``#`` joins applied, TeX decoded and spacing folded."""
    library = parse_string(text)
    assert library.failed_blocks == [], [b.error for b in library.failed_blocks]
    macros = {**MONTHS, **{s.key.lower(): str(s.value) for s in library.strings}}
    out = {}
    for entry in library.entries:
        fields = {}
        for field in entry.fields:
            value = str(field.value)
            if getattr(field, "enclosing", None) == "no-enclosing":
                value = resolve_value(value, macros)
            fields[field.key.lower()] = " ".join(tex_to_unicode(value).split())
        out[entry.key] = (entry.entry_type.lower(), fields)
    return out


_MERGED = re.compile(r":\d+: (\S+): merged into (\S+)")
_CONFLICT = re.compile(r":\d+: (\S+): conflict in (\S+):")


def _compare(original: str, exported: str, summary: str) -> tuple[int, int, list[str], int]:
    """(pairs compared, pairs lost, what was lost, conflicts reported). An entry merged into
    another work's keeps each field in that work's entry, or has it named as a conflict."""
    before, after = _parsed(original), _parsed(exported)
    merged = dict(_MERGED.findall(summary))
    conflicts = set(_CONFLICT.findall(summary))
    compared, lost, reported = 0, [], 0
    for key, (entry_type, fields) in before.items():
        target = after.get(merged.get(key, key))
        pairs = [("@type", entry_type), *fields.items()]
        compared += len(pairs)
        if target is None:
            lost += [f"{key}: entry missing"] * len(pairs)
            continue
        got = {"@type": target[0], **target[1]}
        for name, value in pairs:
            if got.get(name) == value:
                continue
            if key in merged and (key, "type" if name == "@type" else name) in conflicts:
                reported += 1
                continue
            lost.append(f"{key}.{name}: {value!r} came back as {got.get(name)!r}")
    return compared, len(lost), lost, reported


@pytest.mark.parametrize("flavour", ["bibtex", "biblatex"])
@pytest.mark.parametrize("name", ["xampl.bib", "biblatex-examples.bib", SAMPLE.name])
def test_import_then_export_loses_no_type_and_no_field(
    run: Run, tmp_path: Path, name: str, flavour: str
) -> None:
    source = _sample(name)
    imported = run("import-bib", str(source), ok=True)
    out = tmp_path / f"out.{flavour}.bib"
    run("export", "--format", flavour, "-o", str(out), ok=True)
    original = source.read_text(encoding="utf-8", errors="replace")
    compared, lost, what, reported = _compare(original, out.read_text(), imported.stderr)
    counts = (
        f"{name} as {flavour}: {compared} (entry, field) pairs compared, {lost} lost, "
        f"{reported} reported as merge conflicts"
    )
    print(counts)
    assert compared > 0 and lost == 0, counts + "\n" + "\n".join(what[:20])


def test_a_second_import_merges_fills_reports_and_keeps_the_key(
    run: Run, run_json: object, tmp_path: Path
) -> None:
    run("import-bib", str(SAMPLE), ok=True)
    again = tmp_path / "colleague.bib"
    again.write_text(
        "@article{hochreiter97lstm,\n"
        '  author = {Sepp Hochreiter and J{\\"u}rgen Schmidhuber},\n'
        "  title = {Long short-term memory},\n"
        "  journal = {Neural Computation},\n"
        "  pages = {1735-1780},\n"
        "  abstract = {Learning to store information over extended time intervals...},\n"
        "  doi = {https://doi.org/10.1162/NECO.1997.9.8.1735},\n"
        "}\n"
        "@misc{vaswani2017attention, title = {Attention is all you need},\n"
        "  eprint = {1706.03762}, archiveprefix = {arXiv}}\n"
        "@book{bishop2006pattern, title = {Pattern Recognition and Machine Learning}}\n"
    )
    result = run("import-bib", str(again), ok=True)
    lines = result.stderr.splitlines()
    merged = [line for line in lines if "merged into" in line]
    assert any(
        "hochreiter97lstm: merged into hochreiter1997long" in line
        and "filled abstract" in line
        and "hochreiter97lstm kept as an alias" in line
        for line in merged
    ), result.stderr
    assert any("vaswani2017attention: merged into DBLP:" in line for line in merged)
    assert any("hochreiter97lstm: conflict in pages" in line for line in lines), result.stderr
    assert any("hochreiter97lstm: conflict in author" in line for line in lines)
    # The same key and the same fields: nothing to name.
    assert not any("bishop2006pattern" in line for line in lines), result.stderr
    assert "0 arXiv and 0 manual entries added, 3 already present (2 merged" in lines[-1]

    shown = run("show", "hochreiter97lstm", "--json", ok=True)
    assert json.loads(shown.stdout)["aliases"] == ["hochreiter97lstm"]
    blx = run("export", "--format", "biblatex", ok=True).stdout
    entry = blx[blx.index("@article{hochreiter1997long,") :].split("\n}\n")[0]
    assert "ids = {hochreiter97lstm}" in entry and "abstract = {Learning" in entry
    assert "pages = {1735--1780}" in entry

    doc = tmp_path / "paper.tex"
    doc.write_text("As shown \\cite{hochreiter97lstm, knuth1997taocp}.\n")
    bib = run("export", "--cited-only", str(doc), ok=True)
    assert re.findall(r"^@(?!preamble)\w+\{([^,]+),", bib.stdout, re.M) == [
        "hochreiter97lstm",
        "knuth1997taocp",
    ]
    assert bib.stderr == ""
    blx = run("export", "-F", "biblatex", "--cited-only", str(doc), ok=True).stdout
    assert re.findall(r"^@(?!preamble)\w+\{([^,]+),", blx, re.M) == [
        "hochreiter1997long",
        "knuth1997taocp",
    ]


def test_an_imported_library_dumps_and_restores_whole(run: Run, tmp_path: Path) -> None:
    run("import-bib", str(SAMPLE), ok=True)
    colleague = tmp_path / "colleague.bib"
    colleague.write_text(
        "@book{bishop06, title = {Pattern Recognition}, isbn = {978-0-387-31073-2},"
        " doi = {10.1007/978-0-387-45528-0}}\n"
        "@book{bishop2006pattern, doi = {10.1007/978-0-387-45528-0}}\n"
    )
    run("import-bib", str(colleague), ok=True)
    dumped = tmp_path / "library.jsonl"
    run("dump", "-o", str(dumped), ok=True)
    kinds = Counter(json.loads(line)["_type"] for line in dumped.read_text().splitlines())
    assert kinds["work_record"] == kinds["paper"] and kinds["preamble"] == 1
    exports = {f: run("export", "-F", f, ok=True).stdout for f in ("bibtex", "biblatex")}
    copy = tmp_path / "copy.db"
    run("--db", str(copy), "restore", str(dumped), ok=True)
    for flavour, text in exports.items():
        assert run("--db", str(copy), "export", "-F", flavour, ok=True).stdout == text


def test_a_tampered_dump_record_is_refused(run: Run, tmp_path: Path) -> None:
    run("import-bib", str(SAMPLE), ok=True)
    dumped = tmp_path / "library.jsonl"
    run("dump", "-o", str(dumped), ok=True)
    rows = [json.loads(line) for line in dumped.read_text().splitlines()]
    for row in rows:
        if row["_type"] == "work_record":
            record = json.loads(row["record"])
            record["entry_type"] = "article}{evil"
            row["record"] = json.dumps(record)
            break
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = run("--db", str(tmp_path / "copy.db"), "restore", str(bad))
    assert result.exit_code == 1 and "entry_type" in result.stderr, result.stderr


def test_tex_that_could_run_something_is_neutralised(run: Run, tmp_path: Path) -> None:
    bib = tmp_path / "evil.bib"
    bib.write_text(
        '@preamble{"\\def\\x{\\input{/etc/passwd}}"}\n'
        "@misc{evil, title = {A \\input{/etc/passwd} Title},\n"
        "  note = {\\immediate\\write18{rm -rf ~}}, url = {http://x.org/%41},\n"
        "  howpublished = {^^5cinput{x}}}\n"
    )
    run("import-bib", str(bib), ok=True)
    for flavour in ("bibtex", "biblatex"):
        result = run("export", "-F", flavour, ok=True)
        assert "@preamble" not in result.stdout
        assert "does more than define new macros" in result.stderr
        for primitive in ("\\input", "\\immediate", "\\write18", "\\def", "^^5c"):
            assert primitive not in result.stdout.replace("\\textbackslash{}", "<bs>"), primitive
        # \url reads a url field verbatim: its "%" stays a percent escape, never "\%".
        assert "url = {http://x.org/%41}" in result.stdout
        assert parse_string(result.stdout).failed_blocks == []


# ---- real TeX ---------------------------------------------------------------------------------


@pytest.mark.tex
@pytest.mark.slow
@pytest.mark.parametrize("name", ["xampl.bib", "biblatex-examples.bib"])
def test_exported_files_compile_as_well_as_the_originals(
    run: Run, tmp_path: Path, name: str
) -> None:
    from tests.test_exports import _compile_biblatex, _compile_bibtex, _require_tex

    _require_tex()
    source = _sample(name)
    run("import-bib", str(source), ok=True)
    original = source.read_text(encoding="utf-8", errors="replace")
    flavour, compile_bib = (
        ("biblatex", _compile_biblatex)
        if name.startswith("biblatex")
        else ("bibtex", _compile_bibtex)
    )
    exported = run("export", "-F", flavour, ok=True).stdout
    (tmp_path / "original").mkdir()
    (tmp_path / "exported").mkdir()
    before = Counter(compile_bib(original, tmp_path / "original"))
    after = Counter(compile_bib(exported, tmp_path / "exported"))
    # The files written by others warn by design (xampl's minimal entries lack fields): the
    # export adds no warning or error of its own.
    assert after - before == Counter(), sorted(after - before)


def test_the_comparison_sees_a_lost_field_a_changed_type_and_a_missing_entry() -> None:
    original = "@article{a, title = {T{\\'e}}, year = 2000}\n@book{b, title = {B}}\n"
    assert _compare(original, "@article{a, title = {Té}, year = {2000}}\n@book{b, title={B}}", "")[
        :2
    ] == (5, 0)
    compared, lost, what, _ = _compare(original, "@misc{a, title = {Té}}\n", "")
    assert (compared, lost) == (5, 4), what


def test_biblatex_names_the_other_keys_of_any_work_in_ids() -> None:
    from reading_list.formats.bibtex import render_bibliography
    from reading_list.models import Paper

    paper = Paper(
        id="manual:smith2020",
        kind="manual",
        citekey="smith2020",
        title="A Work",
        authors=["Jane Smith"],
        year=2020,
        added_at="2026-01-01T00:00:00Z",
        aliases=["smith20", "Smith:2020"],
    )
    blx = render_bibliography([paper], flavour="biblatex").text
    fields = parse_string(blx).entries[0].fields_dict
    assert fields["ids"].value == "smith20, Smith:2020"
    assert (
        "ids"
        not in parse_string(render_bibliography([paper], flavour="bibtex").text)
        .entries[0]
        .fields_dict
    )


def test_a_source_record_makes_way_for_the_entry_and_a_bib_record_stays_on_adoption(
    tmp_path: Path,
) -> None:
    from reading_list.services.bib_import import import_bib
    from reading_list.services.library import Library
    from reading_list.works import Identity, WorkRecord

    lib = Library.open(tmp_path / "library.db", create=True)
    first = tmp_path / "first.bib"
    first.write_text(
        "@article{lda, title = {Latent Dirichlet Allocation}, doi = {10.5555/944937}}\n"
    )
    import_bib(lib, first)
    dblp = WorkRecord(
        source="dblp",
        key="journals/jmlr/BleiNJ03",
        entry_type="article",
        title="Latent Dirichlet Allocation",
        fields={"journal": "J. Mach. Learn. Res.", "volume": "3"},
        identities=[Identity(kind="dblp", value="journals/jmlr/BleiNJ03", source="dblp")],
    )
    with lib.store.write():
        lib.store.identities.save_record("manual:lda", "work", dblp, "2026-01-01T00:00:00Z")
    again = tmp_path / "again.bib"
    again.write_text(
        "@article{blei2003, title = {Latent {D}irichlet Allocation}, doi = {10.5555/944937}}\n"
    )
    report = import_bib(lib, again)
    assert [(m.key, m.record, m.alias) for m in report.merged] == [("blei2003", True, True)]
    records = lib.store.identities.records_of("manual:lda")
    assert records["published"].source == "dblp" and records["work"].key == "blei2003"
    with lib.store.write():
        lib.store.identities.adopt_as_arxiv("manual:lda", "2501.00001", "2026-01-02T00:00:00Z")
    moved = lib.store.identities.records_of("2501.00001")
    assert moved["work"].tex and moved["published"].source == "dblp"
    lib.close()
