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
