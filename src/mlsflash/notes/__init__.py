"""Notes to card drafts: the outline and parser (pure), identity planning (pure), the
import that writes a plan through storage, and opening a card's notes file.

May import: mlsflash's root modules; `importer` and `declarations` also storage, scheduling
and study. The parser, outline, drafts, identity and textsearch import no storage, Typer or
Rich.
"""
