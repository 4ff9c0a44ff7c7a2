"""Renderers and parsers of the file formats the library reads and writes. Pure."""

from enum import StrEnum


class ExportFormat(StrEnum):
    """What `export` writes (the CLI offers exactly these)."""

    BIBTEX = "bibtex"
    BIBLATEX = "biblatex"
    CSL_JSON = "csl-json"
    RIS = "ris"
    CSV = "csv"
    JSON = "json"


class CitedVersion(StrEnum):
    """Which version of a preprint BibTeX and biblatex cite when its published version is
    known (`export --prefer`)."""

    PUBLISHED = "published"
    PREPRINT = "preprint"
