"""Write v5_identities.json: what parser version 5 made of ../shared, as hashes only (no
sentence of the notes leaves them). Run once with the version-5 code, from its checkout:

    python tests/data/make_v5_identities.py ../shared > tests/data/v5_identities.json

tests/test_shared_notes.py checks that the cards of today's parser continue every one.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from mlsflash.notes.parser import parse_notes

DISTINCTIVE_LENGTH = 12  # identity.DISTINCTIVE_LENGTH: a hash keeps which side of it a definition is


def digest(text: str, length: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def hashed_definition(definition_key: str) -> str:
    return digest(definition_key, 16 if len(definition_key) >= DISTINCTIVE_LENGTH else 8)


def main(shared: Path) -> None:
    paths = [shared / "notes" / "aws-mls-notes.md", *sorted((shared / "corpus").rglob("*.md"))]
    files = {}
    for path in paths:
        data = path.read_bytes()
        cards = []
        for draft in parse_notes(data.decode("utf-8-sig")).drafts:
            context, term, direction = draft.key.rsplit("\x1f", 2)
            cards.append([digest(context), digest(term), direction, hashed_definition(draft.definition_key)])
        files[path.relative_to(shared).as_posix()] = {"sha256": hashlib.sha256(data).hexdigest(), "cards": cards}
    sys.stdout.write('{"parser_version": "5", "files": {\n')
    sys.stdout.write(",\n".join(f"{json.dumps(name)}: {json.dumps(entry)}" for name, entry in files.items()))
    sys.stdout.write("\n}}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
