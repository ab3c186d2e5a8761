"""Keys from a terminal with a timeout, so a screen can keep a clock running while it waits:
the terminal is in cbreak mode (no echo, no line buffering) only while the reader is open,
and is restored however the block ends."""

from __future__ import annotations

import os
import select
import sys
import termios
import tty
from types import TracebackType
from typing import Any

_SEQUENCES = {"\x1b[C": "right", "\x1b[D": "left", "\x1b[A": "up", "\x1b[B": "down",
              "\x1bOC": "right", "\x1bOD": "left", "\x1b[5~": "pageup", "\x1b[6~": "pagedown"}


class KeyReader:
    def __init__(self) -> None:
        self._fd = sys.stdin.fileno()
        self._saved: list[Any] | None = None

    def __enter__(self) -> KeyReader:
        self._saved = termios.tcgetattr(self._fd)
        tty.setcbreak(self._fd)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._saved is not None:
            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)

    def read(self, timeout: float | None) -> str | None:
        """One key (`left`, `right`, `up`, `down`, `pageup`, `pagedown`, `escape` for those
        keys), or None after `timeout` seconds. End of input reads as Ctrl-D."""
        if not self._ready(timeout):
            return None
        data = os.read(self._fd, 1)
        if not data:
            return "\x04"
        if data != b"\x1b":
            return self._decode(data)
        sequence = data
        while len(sequence) < 3 and self._ready(0.05):
            sequence += os.read(self._fd, 1)
        while sequence[2:3].isdigit() and not sequence.endswith(b"~") and len(sequence) < 6 and self._ready(0.05):
            sequence += os.read(self._fd, 1)  # PgUp, PgDn: `ESC [ 5 ~`
        return _SEQUENCES.get(sequence.decode("latin-1"), "escape")

    def _ready(self, timeout: float | None) -> bool:
        readable, _, _ = select.select([self._fd], [], [], timeout)
        return bool(readable)

    def _decode(self, first: bytes) -> str:
        """A whole UTF-8 character (a key on a non-English keyboard is never cut in two)."""
        needed = 0 if first[0] < 0x80 else 1 if first[0] < 0xE0 else 2 if first[0] < 0xF0 else 3
        data = first
        while needed and self._ready(0.05):
            data += os.read(self._fd, 1)
            needed -= 1
        return data.decode("utf-8", errors="replace")
