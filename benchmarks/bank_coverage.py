"""The bundled question bank's coverage per task statement, as docs/exam.md's Markdown table.

    python benchmarks/bank_coverage.py [BANK.md ...]   (default: decks/bank/*.md)

Every item of every file is counted (a case study's questions count as items, under their
own task statement); the problems of any malformed item are printed to stderr as
`file:line: reason`, and the run exits 1 when there are any.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mlsflash.study.bank import coverage_markdown, parse_bank

ROOT = Path(__file__).resolve().parents[1]


def main(paths: list[str]) -> int:
    files = [Path(path) for path in paths] or sorted((ROOT / "decks" / "bank").glob("*.md"))
    if not files:
        print("no bank files (decks/bank/*.md)", file=sys.stderr)
        return 1
    items = []
    problems = 0
    for path in files:
        parsed = parse_bank(path.read_text(encoding="utf-8"), path.name)
        items.extend(parsed.items)
        for line, reason in parsed.problems:
            print(f"{path.name}:{line}: {reason}", file=sys.stderr)
            problems += 1
    print(coverage_markdown(items))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
