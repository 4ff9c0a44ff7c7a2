"""A typed record of a work as a scholarly source (dblp, Crossref) describes it. Pure; no I/O.

Small on purpose: a BibTeX entry type, BibTeX field names with Unicode values, names in
"Given Family" order, and the work's identities. It is what the sources return and what the
library keeps of a published version, shaped to convert field by field into the full record
model of the records issue when that lands.
"""

from __future__ import annotations

import builtins
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reading_list.identifiers import WorkIdKind

EntryType = Literal[
    "article",
    "inproceedings",
    "incollection",
    "book",
    "proceedings",
    "phdthesis",
    "mastersthesis",
    "techreport",
    "misc",
]
SourceName = Literal["arxiv", "dblp", "crossref", "doi.org", "seed", "manual"]

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
}
# The BibTeX fields a record carries, in the order an entry prints them.
FIELD_ORDER = (
    "journal",
    "booktitle",
    "series",
    "volume",
    "number",
    "pages",
    "publisher",
    "address",
    "school",
    "institution",
    "edition",
    "month",
    "isbn",
    "issn",
    "doi",
    "url",
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


class WorkRecord(Model):
    """A work as one source describes it."""

    source: SourceName
    key: str
    entry_type: EntryType
    title: str
    authors: builtins.list[str] = Field(default_factory=builtins.list)
    year: int | None = None
    # The short venue a person names it by ("NIPS", "ICML", "Neural Comput."), when known.
    venue: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)
    identities: builtins.list[Identity] = Field(default_factory=builtins.list)
    # An informal record of a preprint (dblp's CoRR copies of arXiv papers): never a venue.
    preprint: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.entry_type]

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
