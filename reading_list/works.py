"""A typed record of a work as a source describes it (a .bib entry, dblp, Crossref). Pure.

An entry type (any lowercase BibTeX or biblatex type: unknown ones are kept as they came), every
field the source gave in its order, the names as parts beside the display ``authors`` list,
and the work's identities. The values of a record read from a .bib file are its BibTeX source
text (``tex=True``: written back field by field, verbatim after the TeX safety check); those of
dblp and Crossref are Unicode text.
"""

from __future__ import annotations

import builtins
import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from reading_list.identifiers import WorkIdKind

# A BibTeX/biblatex entry type, lower-cased; the name sources' own tables use.
EntryType = str
ENTRY_TYPE_PATTERN = r"^[a-z][a-z0-9_:.+-]*$"
SourceName = Literal["arxiv", "dblp", "crossref", "doi.org", "seed", "manual", "bib"]

KIND_LABELS: dict[str, str] = {
    "article": "journal article",
    "inproceedings": "conference paper",
    "incollection": "book chapter",
    "book": "book",
    "proceedings": "proceedings volume",
    "phdthesis": "PhD thesis",
    "mastersthesis": "master's thesis",
    "techreport": "report",
    "misc": "other",
    "inbook": "book chapter",
    "online": "web page",
    "unpublished": "unpublished work",
    "thesis": "thesis",
    "report": "report",
    "manual": "manual",
    "booklet": "booklet",
}
# The name lists of BibTeX and biblatex, kept as parts in WorkRecord.names.
NAME_FIELDS = (
    "author",
    "editor",
    "translator",
    "bookauthor",
    "editora",
    "editorb",
    "editorc",
    "annotator",
    "commentator",
    "introduction",
    "foreword",
    "afterword",
    "holder",
    "shortauthor",
    "shorteditor",
)


class Model(BaseModel):
    # Its own base (the same settings as models.Model) so that models.py can hold these.
    model_config = ConfigDict(defer_build=True)


class Identity(Model):
    """One identifier of a work and the source that vouched for it."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    kind: WorkIdKind
    value: str
    source: SourceName


class NameParts(Model):
    """One name of a name list, split as BibTeX splits it: "von Last, Jr, First". A
    corporate name ("{Barnes and Noble}") is whole in ``family``."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    given: str = ""
    von: str = ""
    family: str = ""
    suffix: str = ""
    corporate: bool = False

    @property
    def display(self) -> str:
        """ "Given von Family Suffix", as the library shows a name."""
        return " ".join(p for p in (self.given, self.von, self.family, self.suffix) if p)


class WorkRecord(Model):
    """A work as one source describes it."""

    source: SourceName
    key: str
    entry_type: Annotated[EntryType, StringConstraints(pattern=ENTRY_TYPE_PATTERN)]
    title: str
    authors: builtins.list[str] = Field(default_factory=builtins.list)
    year: int | None = None
    # The short venue a person names it by ("NIPS", "ICML", "Neural Comput."), when known.
    venue: str | None = None
    # Every field the source gave, in its order (a .bib entry's as BibTeX source text).
    fields: dict[str, str] = Field(default_factory=dict)
    # The values are BibTeX source text (a .bib entry), to be written back verbatim.
    tex: bool = False
    # The name lists (author, editor, ...) as parts, in Unicode; a list ending in "and others"
    # is named in ``truncated`` (never an "others" name).
    names: dict[str, builtins.list[NameParts]] = Field(default_factory=dict)
    truncated: builtins.list[str] = Field(default_factory=builtins.list)
    identities: builtins.list[Identity] = Field(default_factory=builtins.list)
    # An informal record of a preprint (dblp's CoRR copies of arXiv papers): never a venue.
    preprint: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.entry_type, self.entry_type)

    @property
    def doi(self) -> str | None:
        return self.fields.get("doi")

    @property
    def container(self) -> str | None:
        """Where it appeared: the journal, the proceedings or the book."""
        return self.fields.get("journal") or self.fields.get("booktitle") or self.venue

    @property
    def venue_text(self) -> str | None:
        """Where it appeared, as a journal_ref reads: "Neural Computation 9(8):1735-1780"."""
        container = self.venue or self.container
        if not container:
            return None
        text = container
        volume, number, pages = (self.fields.get(k) for k in ("volume", "number", "pages"))
        if volume:
            text += f" {volume}" + (f"({number})" if number else "")
        if pages:
            text += f":{pages}" if volume else f", {pages}"
        if self.year and str(self.year) not in text:
            text += f", {self.year}"
        return text

    def identity(self, kind: WorkIdKind) -> str | None:
        return next((i.value for i in self.identities if i.kind == kind), None)


def export_record(text: str) -> WorkRecord:
    """A record as the library's own table holds it (JSON it wrote, or a restore validated),
    for an export, which reads one per paper: a .bib entry's (``tex``) is built without
    validating it again and without its name parts and identities, which an export of its
    verbatim fields never reads; any other is validated."""
    data = json.loads(text)
    if data.get("tex") is True:
        # Every list and dict given: pydantic inspects a default factory's signature at each
        # call, which costs more than the rest of the construction.
        data.update(names={}, identities=[], truncated=[])
        data.setdefault("authors", [])
        data.setdefault("fields", {})
        return WorkRecord.model_construct(**data)
    return WorkRecord.model_validate(data)
