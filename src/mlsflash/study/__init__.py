"""Studying: the review session, stats figures, exam practice (card questions, the question
bank, mock exams, the exam date) and the pure rules they use (questions, bank, bank_quiz,
feedback, prediction).

May import: notes, scheduling, storage and the root modules; never Typer or Rich. The pure
modules import no storage.
"""
