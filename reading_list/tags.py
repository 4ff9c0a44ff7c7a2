"""What a tag is: the spelling people see, and the key two spellings of one tag share. Pure.

``Program Synthesis``, ``program-synthesis`` and ``program_synthesis`` are one tag: the key
folds case, width and runs of spaces, hyphens and underscores into one hyphen. The library
shows a tag the way it was first spelt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from reading_list.errors import InvalidInput, UsageError

_SEPARATORS = re.compile(r"[\s_\-]+")
# A listing joins a paper's tags with commas (tab-separated output, the piped `list`).
_FORBIDDEN = ","


def tag_label(text: str) -> str:
    """The spelling to keep: inner whitespace collapsed, ends trimmed."""
    # Imported here: loading unicodedata would cost `list` and `status` a few ms each.
    import unicodedata

    label = " ".join(unicodedata.normalize("NFC", text).split())
    if not _SEPARATORS.sub("", label):
        raise InvalidInput(f"{text!r} is not a tag: it has no letters or digits")
    if _FORBIDDEN in label:
        raise InvalidInput(f"{text!r}: a tag cannot contain a comma")
    return label


def tag_key(text: str) -> str:
    """The key tags are matched by: case, width and separators folded."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", text).casefold()
    return "-".join(part for part in _SEPARATORS.split(folded) if part)


def labelled(texts: Iterable[str]) -> list[tuple[str, str]]:
    """(key, label) for each distinct tag in ``texts``, first spelling kept, in order."""
    seen: dict[str, str] = {}
    for text in texts:
        label = tag_label(text)
        seen.setdefault(tag_key(label), label)
    return list(seen.items())


def parse_changes(words: Sequence[str]) -> tuple[list[str], list[str]]:
    """(tags to add, tags to remove): ``+x`` adds tag x and ``-y`` removes tag y; any other
    word is a mistake, named, since guessing (a second paper? a tag?) would change the wrong
    thing."""
    add: list[str] = []
    remove: list[str] = []
    for word in words:
        sign, name = word[:1], word[1:]
        if sign not in ("+", "-") or not name.strip():
            raise UsageError(
                f"{word!r} is not a tag change: write +{word.lstrip('+-') or 'tag'} to add it "
                f"or -{word.lstrip('+-') or 'tag'} to remove it"
            )
        (add if sign == "+" else remove).append(name)
    if not add and not remove:
        raise UsageError("give tags to change: +tag adds, -tag removes")
    return add, remove
