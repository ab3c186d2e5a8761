"""The built wheel works on its own: fresh venv, unrelated folder, empty database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        check=True, timeout=300,
    )
    (built,) = out.glob("mlsflash-*.whl")
    return built


def test_wheel_ships_migrations_and_decks(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "mlsflash/migrations/env.py" in names
    assert any(name.startswith("mlsflash/migrations/versions/0001_") for name in names)
    decks = [name for name in names if name.startswith("mlsflash/decks/") and name.endswith(".md")]
    assert len([name for name in decks if name.count("/") == 2]) == 6
    # The question bank's files, in the folder below (force-include takes decks/ whole).
    bank = sorted(path.name for path in (ROOT / "decks" / "bank").glob("*.md"))
    assert sorted(name.rsplit("/", 1)[1] for name in decks if name.startswith("mlsflash/decks/bank/")) == bank


def test_installed_wheel_reviews_the_bundled_decks_from_an_unrelated_folder(wheel, tmp_path):
    environment_dir = tmp_path / "venv"
    venv.create(environment_dir, with_pip=True)
    python = environment_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "MLSFLASH", "VIRTUAL_ENV"))
    }
    environment.update(MLSFLASH_DB=str(tmp_path / "data" / "mlsflash.db"), MLSFLASH_NOW="2026-11-26T10:00")
    mlsflash = str(environment_dir / "bin" / "mlsflash")

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [mlsflash, *args], input=stdin, cwd=elsewhere, env=environment, capture_output=True, text=True, timeout=120
        )

    where = subprocess.run(
        [str(python), "-c", "import mlsflash; print(mlsflash.__file__)"],
        cwd=elsewhere, env=environment, capture_output=True, text=True, check=True,
    ).stdout
    assert str(ROOT) not in where and str(environment_dir) in where

    review = run("review", stdin="5\n4\n")
    assert review.returncode == 0, review.stderr
    assert "loading the bundled" in review.stdout
    assert review.stdout.count("Graded") == 2
    figures = json.loads(run("stats", "--json").stdout)
    assert figures["cards"]["total"] >= 400
    assert figures["reviews"]["today"] == 2
    assert {deck["deck"] for deck in figures["decks"]} >= {"AWS MLS Bundled: Modeling"}
