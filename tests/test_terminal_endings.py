"""How a review in a real terminal ends: Ctrl-D like `q`; SIGTERM and SIGHUP with the summary."""

from __future__ import annotations

import signal

import pytest
from test_terminal import reveal_and_grade, rows, spawn_review, terminal_env  # noqa: F401 (a fixture)

pexpect = pytest.importorskip("pexpect")


@pytest.mark.parametrize("revealed", [False, True], ids=["at-the-question", "at-the-grade"])
def test_ctrl_d_ends_review_like_q(terminal_env, revealed):  # noqa: F811
    child = spawn_review(terminal_env)
    reveal_and_grade(child, "Alpha", "letter alpha", "5")
    child.expect_exact("Space/Enter show answer")
    if revealed:
        child.send(" ")
        child.expect_exact("grade:")
    child.send("\x04")
    child.expect_exact("Reviewed 1 card(s) in 1 answer(s)")
    child.expect(pexpect.EOF)
    child.close()
    assert "Aborted" not in (child.before or "")
    assert child.exitstatus == 0


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)], ids=["TERM", "HUP"])
def test_a_termination_signal_ends_review_with_the_summary(terminal_env, signum, code):  # noqa: F811
    child = spawn_review(terminal_env)
    reveal_and_grade(child, "Alpha", "letter alpha", "4")
    child.expect_exact("Space/Enter show answer")  # Beta waits for a key
    child.kill(signum)
    child.expect_exact("Reviewed 1 card(s) in 1 answer(s)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus is None and child.exitstatus == code
    assert rows(terminal_env, "SELECT grade, kind FROM reviews") == [(4, "scheduled")]
