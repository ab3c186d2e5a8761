"""Reading and curating the collection: decks and card lists, `check`, settings.

May import: notes, scheduling, storage and the root modules; never Typer or Rich.
"""
