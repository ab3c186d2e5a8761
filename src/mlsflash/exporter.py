"""Serialize card records (JSON, CSV) and write files without leaving half of one behind."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Sequence

from mlsflash.errors import MlsflashError

CSV_COLUMNS = (
    "id", "deck", "context", "front", "back", "direction", "source_file", "source_line",
    "status", "repetitions", "easiness", "interval", "due", "lapses",
)


def to_json(records: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"


def to_csv(records: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow(
            [
                record["id"], record["deck"], " › ".join(record["context"]), record["front"], record["back"],
                record["direction"], record["source"]["file"], record["source"]["line"], record["status"],
                record["repetitions"], f"{record['easiness']:.2f}", record["interval"], record["due"] or "",
                record["lapses"],
            ]
        )
    return buffer.getvalue()


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write to a temporary file beside the target, then rename: readers never see half a file."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, target)
    except OSError as error:
        raise MlsflashError(f"cannot write {target}: {error.strerror}") from None
