"""Word lists of the notes format that more than the parser reads (the questions' generic
labels too), kept apart so that a daily review need not load the parser to know them."""

# Labels that open a remark, not a term: `Note: ...`, `Example: ...` (after a plain term, any separator).
STOP_LABELS = frozenset({
    "note", "notes", "nb", "n.b", "example", "examples", "e.g", "eg", "i.e", "ie", "ex", "for example",
    "tip", "tips", "exam tip", "hint", "warning", "caution", "careful", "important", "remember", "source",
    "sources", "see", "see also", "also", "summary", "in summary", "in short", "overview", "conclusion",
    "answer", "question", "q", "a", "todo", "to do", "fixme", "update", "edit", "ps", "p.s", "reference",
    "references", "ref", "link", "links", "docs", "documentation", "url", "key point", "key points",
    "takeaway", "key takeaway", "side note", "reminder", "result", "results", "why", "how",
    "tl;dr", "tldr", "fyi", "heads up", "fun fact", "important note", "note to self", "caveat", "caveats",
    # a course's logistics and aids: `midterm: Oct 14`, `Practical: weigh the cylinders`, `mnemonic: PMAT`
    "midterm", "final", "finals", "deadline", "due", "quiz", "homework", "hw", "assignment", "lecture",
    "office hours", "practical", "lab", "reading", "mnemonic",
})
