"""Find cards by the text the screens show (`storage.functions` makes `shows` an SQL function).

`cards --search` and `review --topic` match what the learner reads (the context joined
with " › ", the front, the back), not the stored JSON, case-insensitively in the Unicode
sense (`CAFÉ` finds `café`, `STRASSE` finds `Straße`), and with every character taken
literally (no LIKE wildcards).
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache

from mlsflash.model import CONTEXT_SEPARATOR


def fold(text: str) -> str:
    """Caseless and canonically composed, so that visually equal texts compare equal."""
    if text.isascii():  # the common case, and ten times faster: casefold is lower() on ASCII
        return text.lower()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


@lru_cache(maxsize=8)
def _folded_needle(needle: str) -> str:
    return fold(needle)


@lru_cache(maxsize=4096)  # siblings share their context: decoded once per search
def _folded_context(context_json: str) -> str:
    return fold(CONTEXT_SEPARATOR.join(json.loads(context_json)))


def shows(needle: str, context_json: str | None, *texts: str | None) -> bool:
    """Does a card whose context is `context_json` (a JSON list) and whose other displayed
    texts are `texts` show `needle` somewhere?"""
    wanted = _folded_needle(needle)
    if context_json and wanted in _folded_context(context_json):
        return True
    return any(text and wanted in fold(text) for text in texts)

