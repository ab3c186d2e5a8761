"""Getting cards out: JSON and CSV, and Anki packages with the schedule carried.

May import: scheduling, storage and the root modules; never Typer or Rich.
"""
