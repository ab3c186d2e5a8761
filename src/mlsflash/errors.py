"""The one error family: everything a user can get wrong is an MlsflashError."""

from __future__ import annotations


class MlsflashError(Exception):
    """An expected failure, shown to the user as `Error: message` (and `Hint: hint`)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message
