"""When a card is due: SM-2 and FSRS (pure value objects in and out), exam pacing (pure),
and `history`, which replays the stored log through them.

May import: mlsflash's root modules; only `history` imports storage.
"""
