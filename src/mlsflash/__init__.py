"""mlsflash: spaced-repetition flashcards from Markdown notes, reviewed in the terminal."""

__version__ = "0.1.0"
