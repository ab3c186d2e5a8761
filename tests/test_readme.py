"""README promises: its test command is the one CI runs; it is a front page, and what it and the
manual in docs/ show is real: every link leads somewhere, every command and option exists, every
command is documented."""

import re
import shlex
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCUMENTS = [README, *sorted((ROOT / "docs").rglob("*.md"))]

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
SHELL_SEPARATOR = re.compile(r"&&|\|\||;|\|")


def test_ci_runs_the_readme_test_command():
    readme = README.read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = "python -m pip install -e '.[test]' && python -m pytest -q"
    assert command in readme
    assert command in ci.splitlines()


def test_readme_documents_every_command():
    from mlsflash.cli import app

    readme = README.read_text(encoding="utf-8")
    names = [command.name for command in app.registered_commands]
    assert names and all(f"mlsflash {name}" in readme for name in names), names


def test_the_readme_is_a_front_page_of_at_most_300_lines():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 300


# --- reading Markdown: prose lines, code lines, headings, links ---------------------------------

def _lines(path: Path) -> Iterator[tuple[int, str, bool]]:
    """(line number, line, inside a fenced code block), fence lines left out."""
    fence = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        opening = FENCE.match(line)
        if not fence and opening:
            fence = opening.group(1)
        elif fence and opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                and not line.strip().lstrip(fence[0]):
            fence = ""
        else:
            yield number, line, bool(fence)


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: its text without markup, lower case, punctuation other than
    `-` and `_` dropped, each space a hyphen."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"[`*]|(?<!\w)_|_(?!\w)|<[^>]+>", "", text)
    return "".join(char for char in text.strip().lower() if char.isalnum() or char in "-_ ").replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    for _, line, in_code in _lines(path):
        heading = HEADING.match(line)
        if heading and not in_code:
            anchor = github_anchor(heading.group(2))
            count = seen.get(anchor, 0)
            seen[anchor] = count + 1
            if count:
                seen[f"{anchor}-{count}"] = 1
    return set(seen)


def relative_links(path: Path) -> Iterator[tuple[int, str]]:
    for number, line, in_code in _lines(path):
        if not in_code:
            for target in LINK.findall(CODE_SPAN.sub("", line)):
                if not SCHEME.match(target):
                    yield number, target


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    broken = []
    for number, target in relative_links(path):
        file_part, _, fragment = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        where = f"{path.relative_to(root)}:{number}: {target}"
        if not linked.exists():
            broken.append(f"{where} (no such file)")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{where} (no heading #{fragment} in {linked.name})")
    return broken


def test_every_relative_link_of_the_readme_and_the_manual_leads_to_a_file_and_heading():
    assert len(DOCUMENTS) > 10 and any(True for _ in relative_links(README))
    assert [problem for path in DOCUMENTS for problem in broken_links(path)] == []


def test_github_anchors_are_computed_as_github_does():
    assert github_anchor("How SM-2 schedules (exactly)") == "how-sm-2-schedules-exactly"
    assert github_anchor("Pacing to an exam date") == "pacing-to-an-exam-date"
    assert github_anchor("The `exam` command, **briefly**") == "the-exam-command-briefly"


def test_a_broken_link_or_anchor_is_found(tmp_path):
    (tmp_path / "other.md").write_text("# Other page\n\n## A section\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("# Page\n\n[fine](other.md#a-section) [also fine](#page) `[code](nowhere.md)`\n"
                    "[gone](missing.md) [no anchor](other.md#no-section) [web](https://example.com/x.md)\n"
                    "```\n[in code](nowhere.md)\n```\n", encoding="utf-8")
    assert broken_links(page, root=tmp_path) == ["page.md:4: missing.md (no such file)",
                                                 "page.md:4: other.md#no-section (no heading #no-section in other.md)"]


# --- commands shown: real commands, real options ------------------------------------------------

def command_tree() -> dict[tuple[str, ...], tuple[set[str], set[str]]]:
    """Every command path of the app (the root is `()`): its option names and its sub-commands."""
    import typer

    from mlsflash.cli import app

    root = typer.main.get_command(app)
    context = typer.Context(root)
    tree: dict[tuple[str, ...], tuple[set[str], set[str]]] = {}

    def walk(command: Any, path: tuple[str, ...]) -> None:
        options = {name for param in command.get_params(context) if param.param_type_name == "option"
                   for name in (*param.opts, *param.secondary_opts)}
        children = set(command.list_commands(context)) if hasattr(command, "list_commands") else set()
        tree[path] = (options, children)
        for child in children:
            walk(command.get_command(context, child), (*path, child))

    walk(root, ())
    return tree


def _root_options_taking_a_value() -> set[str]:
    import typer

    from mlsflash.cli import app

    root = typer.main.get_command(app)
    return {name for param in root.get_params(typer.Context(root))
            if param.param_type_name == "option" and not param.is_flag for name in param.opts}


def commands_shown(path: Path) -> Iterator[tuple[int, str]]:
    """Each `mlsflash ...` shown: a fenced code line's shell segments that start with it, and
    inline code spans that do (a table's `\\|` is usage syntax, not a pipe)."""
    for number, line, in_code in _lines(path):
        texts = [line] if in_code else [span.replace("\\|", " ") for _, span in CODE_SPAN.findall(line)]
        for text in texts:
            for segment in SHELL_SEPARATOR.split(text):
                if segment.strip().startswith("mlsflash "):
                    yield number, segment.strip()


def _words(segment: str) -> list[str]:
    try:
        return shlex.split(segment, comments=True)
    except ValueError:
        return segment.split()


def _is_placeholder(word: str) -> bool:
    return word.startswith("<") or word.strip("[].") == "" or word.isupper()


def command_problems(segment: str, tree: dict[tuple[str, ...], tuple[set[str], set[str]]],
                     takes_value: set[str]) -> list[str]:
    words = [word.strip("[]()") for word in _words(segment)[1:]]
    path: tuple[str, ...] = ()
    index = 0
    while index < len(words) and words[index].startswith("-"):  # global options
        if words[index].split("=")[0] not in tree[()][0]:
            return [f"no global option {words[index]}"]
        index += 2 if words[index] in takes_value else 1
    while index < len(words) and tree[path][1]:
        name = words[index]
        if _is_placeholder(name):
            return []
        if name.startswith("-"):
            break
        if name not in tree[path][1]:
            return [f"no command 'mlsflash {' '.join((*path, name))}'"]
        path, index = (*path, name), index + 1
    options = tree[path][0]
    return [f"'mlsflash {' '.join(path)}' has no option {word}" for word in words[index:]
            if re.match(r"^--?[A-Za-z]", word) and word.split("=")[0] not in options]


def test_every_command_shown_exists_with_the_options_shown():
    tree, takes_value = command_tree(), _root_options_taking_a_value()
    shown = [(path, number, segment) for path in DOCUMENTS for number, segment in commands_shown(path)]
    assert len(shown) > 50
    problems = [f"{path.relative_to(ROOT)}:{number}: {segment}: {problem}"
                for path, number, segment in shown for problem in command_problems(segment, tree, takes_value)]
    assert problems == []


def test_a_wrong_command_or_option_is_found():
    tree, takes_value = command_tree(), _root_options_taking_a_value()

    def problems(segment: str) -> list[str]:
        return command_problems(segment, tree, takes_value)

    assert problems("mlsflash --db x.db review --deck D --new 5") == []
    assert problems("mlsflash exam set PROFILE [--date YYYY-MM-DD | --clear]") == []
    assert problems("mlsflash <command> --anything") == []
    assert problems("mlsflash review --decks D") == ["'mlsflash review' has no option --decks"]
    assert problems("mlsflash exam practise") == ["no command 'mlsflash exam practise'"]
    assert problems("mlsflash exam mock --bank") == ["'mlsflash exam mock' has no option --bank"]
    assert problems("mlsflash --database x.db stats") == ["no global option --database"]


def test_every_command_and_sub_command_is_shown_in_the_readme_or_the_manual():
    text = "\n".join(path.read_text(encoding="utf-8") for path in DOCUMENTS)
    paths = [" ".join(path) for path in command_tree() if path]
    assert len(paths) > 20
    assert [path for path in paths if not re.search(rf"mlsflash {re.escape(path)}\b", text)] == []


def test_the_notes_format_at_a_glance_makes_the_cards_the_readme_says():
    from mlsflash.notes.parser import parse_notes

    readme = README.read_text(encoding="utf-8")
    section = readme[readme.index("## The notes format at a glance"):]
    example = section[section.index("```markdown\n") + len("```markdown\n"):section.index("\n```\n")]
    parsed = parse_notes(example)
    assert parsed.title == "Data Engineering" and "in the deck `Data Engineering`" in section
    assert [(draft.context, draft.front_plain, draft.is_list) for draft in parsed.drafts] == [
        (("Kinesis",), "Kinesis Data Streams", False), (("Kinesis",), "Data Firehose", False),
        (("Kinesis",), "Use cases", True), (("Glacier",), "Expedited", False)]
    assert "makes four cards" in section
    assert [(warning.line, warning.reason.endswith("not a card")) for warning in parsed.warnings] == [(15, True)]
    assert "`notes.md:15: ... not a card`" in section
