"""Property tests: arbitrary notes never break the parser, and importing twice changes nothing."""

from __future__ import annotations


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsflash.notes.parser import parse_notes

WORDS = st.sampled_from(["S3", "shard", "Kinesis", "is", "not", "1d", "365d", "MiB", "x", "a-b", "use cases", "é"])
SEPARATORS = st.sampled_from([" - ", " – ", " — ", "->", " -> ", ": ", ":", " -", "- ", " ", "--", "**", "`", "_"])


@st.composite
def inline(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        word = draw(WORDS)
        wrap = draw(st.sampled_from(["", "**", "*", "`", "__"]))
        parts.append(f"{wrap}{word}{wrap}")
        parts.append(draw(SEPARATORS))
    if draw(st.booleans()):
        parts.append(draw(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)))
    return "".join(parts)


@st.composite
def notes(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["bullet", "bullet", "bullet", "heading", "code", "blank", "text"]))
        if kind == "bullet":
            indent = " " * (4 * draw(st.integers(0, 6)))
            marker = draw(st.sampled_from(["*", "-", "+", "1."]))
            lines.append(f"{indent}{marker} {draw(inline())}")
        elif kind == "heading":
            lines.append(f"{'#' * draw(st.integers(1, 4))} {draw(inline())}")
        elif kind == "code":
            lines.extend(["```", draw(inline()), "```"])
        elif kind == "blank":
            lines.append("")
        else:
            lines.append(draw(inline()))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines)


@settings(max_examples=300, deadline=None)
@given(notes())
def test_parsing_never_raises_gives_non_empty_sides_and_is_deterministic(text):
    first = parse_notes(text, reverse=True)
    assert first == parse_notes(text, reverse=True)
    for draft in first.drafts:
        assert draft.front_plain.strip() and draft.back_plain.strip()
        assert draft.front.strip() and draft.back.strip()
        assert draft.line >= 1
    keys = [draft.key for draft in first.drafts]
    assert len(keys) == len(set(keys))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=notes())
def test_import_then_reimport_of_the_same_text_is_a_no_op(tmp_path_factory, text):
    from mlsflash.notes.importer import NotesFile, import_notes
    from mlsflash.storage import open_store
    from reliability_helpers import dump

    folder = tmp_path_factory.mktemp("fuzz")
    db = folder / "mlsflash.db"
    store = open_store(db)
    try:
        def notes_file() -> NotesFile:
            return NotesFile(source=str(folder / "notes.md"), display="notes.md", text=text, digest=str(hash(text)))

        first = import_notes(store, [notes_file()])
        before = dump(db)
        # a different digest forces a full re-sync instead of the unchanged-file shortcut
        second = import_notes(store, [NotesFile(**{**notes_file().__dict__, "digest": "other"})])
        after = dump(db)
    finally:
        store.close()
    assert second.total("added") == second.total("updated") == second.total("retired") == 0
    assert second.total("unchanged") == first.total("added")
    before.pop("source_files"), after.pop("source_files")
    assert after == before

