"""Renderers and parsers of the file formats the library reads and writes. Pure."""

from enum import StrEnum

# The version of the renderers' output: exports cache each paper's rendered entry under it
# (store/exports.py), so bump it with any change to what a BibTeX, biblatex or RIS entry
# holds, or cached entries of the old renderers would be exported (tests/test_export_cache.py
# fails until it is bumped).
RENDERER_VERSION = 2


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
