"""Serialize card records (JSON, CSV) and write files without leaving half of one behind."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from mlsflash.errors import MlsflashError

CSV_COLUMNS = (
    "id", "deck", "context", "front", "back", "direction", "source_file", "source_line",
    "status", "repetitions", "easiness", "interval", "due", "lapses", "stability", "difficulty", "retrievability",
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
                record["id"],
                record["deck"],
                " › ".join(record["context"]),
                record["front"],
                record["back"],
                record["direction"],
                record["source"]["file"],
                record["source"]["line"],
                record["status"],
                record["repetitions"],
                f"{record['easiness']:.2f}",
                record["interval"],
                record["due"] or "",
                record["lapses"],
                *(_blank_if_none(record[key]) for key in ("stability", "difficulty", "retrievability")),
            ]
        )
    return buffer.getvalue()


def _blank_if_none(value: Any) -> Any:
    return "" if value is None else value


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` as UTF-8 to `path` the way `replace_atomically` does."""
    data = text.encode("utf-8")

    def fill(handle: int, _temporary: str) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]

    replace_atomically(path, fill)


def replace_atomically(
    path: str | os.PathLike[str], fill: Callable[[int, str], None], *, example: str = "cards.json"
) -> None:
    """Write to a temporary file beside the target, flush it to disk, then rename: readers
    never see half a file, a failure (or Ctrl-C) leaves the old file and no temporary, and the
    new file gets the mode the umask gives any new file (mkstemp alone would make it 0600).
    `fill(descriptor, name)` writes the content, through the open descriptor or by the name."""
    target = Path(path)
    if target.is_dir():
        raise MlsflashError(
            f"cannot export to {target}: it is a folder", hint=f"give a file name, such as {target / example}"
        )
    if target.is_symlink():  # write where the link points, and keep the link
        target = Path(os.path.realpath(target))
    if target.exists() and not target.is_file():
        raise MlsflashError(f"cannot export to {target}: it is not a regular file (a device or a pipe)",
                            hint=f"give a file name, such as {target.parent / example}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise MlsflashError(f"cannot write {target}: {error.strerror}") from None
    try:
        try:
            os.chmod(temporary, 0o666 & ~_umask())
            with _ended_by_signals():
                fill(handle, temporary)
            os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise MlsflashError(f"cannot write {target}: {error.strerror or error}") from None
        raise
    _sync_folder(target.parent)


class Ended(BaseException):
    """SIGTERM or SIGHUP during an export: unwind (removing the temporary), then exit 128 + n."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.code = 128 + signal_number


@contextlib.contextmanager
def _ended_by_signals() -> Iterator[None]:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def end(signal_number: int, _frame: object) -> None:
        raise Ended(signal_number)

    saved = {number: signal.signal(number, end) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows cannot open a folder)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
