"""A small question bank of every item type in every MLA-C01 domain, written for the tests."""

from __future__ import annotations

from pathlib import Path

HEAD = "---\nmlsflash: questions\nprofile: mla-c01\n---\n# Fixture bank\n\n"
META = ("Source: https://docs.aws.amazon.com/sagemaker/latest/dg/whatis.html\nChecked: 2026-12\n"
        "Cards: Fixture Deck › Alpha\n")


def multiple_choice(item_id: str, task: str, level: str = "##") -> str:
    return (f"{level} {item_id} | {task} | multiple-choice\n\nA team in task {task} must pick a right plan. "
            "It wants the least operational overhead.\n\nWhich solution meets these requirements?\n\n"
            "- [x] Right plan for the team.\n  - Why: RIGHTWHY it is managed.\n"
            "- [ ] Wrong plan one here.\n  - Why: WRONGWHY1 servers to run.\n"
            "- [ ] Wrong plan two here.\n  - Why: WRONGWHY2 costs more.\n"
            "- [ ] Wrong plan three here.\n  - Why: WRONGWHY3 is slower.\n\n" + META + "\n")


def multiple_response(item_id: str, task: str, level: str = "##") -> str:
    return (f"{level} {item_id} | {task} | multiple-response\n\nA team in task {task} must pick two plans. "
            "It wants the most secure setup.\n\nWhich steps meet these requirements? (Choose TWO.)\n\n"
            "- [x] Good step one.\n  - Why: GOODWHY1 encrypts.\n"
            "- [ ] Bad step one.\n  - Why: BADWHY1 opens ports.\n"
            "- [x] Good step two.\n  - Why: GOODWHY2 limits roles.\n"
            "- [ ] Bad step two.\n  - Why: BADWHY2 shares keys.\n"
            "- [ ] Bad step three.\n  - Why: BADWHY3 logs secrets.\n\n" + META + "\n")


def ordering(item_id: str, task: str, level: str = "##") -> str:
    return (f"{level} {item_id} | {task} | ordering\n\nA team in task {task} must train a model. "
            "It follows the usual steps.\n\nIn which order should the steps run?\n\n"
            "1. First gather data.\n   - Why: STEPWHY1 data comes first.\n"
            "2. Second train model.\n   - Why: STEPWHY2 needs data.\n"
            "3. Third evaluate model.\n   - Why: STEPWHY3 needs a model.\n"
            "4. Fourth deploy endpoint.\n   - Why: STEPWHY4 after evaluation.\n\n" + META + "\n")


def matching(item_id: str, task: str, level: str = "##") -> str:
    return (f"{level} {item_id} | {task} | matching\n\nA team in task {task} must match services to needs. "
            "Each need has one service.\n\nMatch each need with its service.\n\n"
            "| Item | Match | Why |\n|---|---|---|\n"
            "| Need north | Service north | PAIRWHY1 fits north. |\n"
            "| Need south | Service south | PAIRWHY2 fits south. |\n"
            "| Need east | Service east | PAIRWHY3 fits east. |\n"
            "| Need west | Service west | PAIRWHY4 fits west. |\n\n" + META + "\n")


def case_study(case_id: str, task: str) -> str:
    return (f"## {case_id} | {task} | case-study\n\nCASESCENARIO A bank runs fraud models. It keeps data in S3. "
            "It must keep costs low.\n\n"
            + multiple_choice(f"{case_id}-q1", task, "###") + ordering(f"{case_id}-q2", task, "###")
            + matching(f"{case_id}-q3", task, "###"))


def bank_text(*, case: bool = True) -> str:
    parts = [HEAD]
    for domain in (1, 2, 3, 4):
        task = f"{domain}.1"
        parts += [multiple_choice(f"t-{domain}-mc", task), multiple_response(f"t-{domain}-mr", task),
                  ordering(f"t-{domain}-or", task), matching(f"t-{domain}-ma", task)]
    if case:
        parts.append(case_study("t-cs-2-01", "2.2"))
    return "".join(parts)


CARDS = ("---\nmla-c01: 2\nmls-c01: 3\n---\n# Fixture Deck\n\n## SageMaker\n\n"
         "* **Alpha** - trains models on managed instances\n"
         "* **Bravo** - hosts real-time inference endpoints\n"
         "* **Charlie** - labels images with human workers\n"
         "* **Delta** - stores features for reuse\n"
         "* **Echo** - watches data drift in production\n"
         "* **Foxtrot** - tunes hyperparameters automatically\n")


def write_bank(directory: Path, text: str | None = None) -> Path:
    path = Path(directory) / "bank.md"
    path.write_text(text if text is not None else bank_text(), encoding="utf-8")
    return path


def write_cards(directory: Path) -> Path:
    path = Path(directory) / "cards.md"
    path.write_text(CARDS, encoding="utf-8")
    return path

