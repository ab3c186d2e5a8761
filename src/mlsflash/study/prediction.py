"""What a mock's result means: the score the learner would get sitting the exam today, as a
range on AWS's 100-1000 scale from two estimates of the share of exam questions they know,
and whether that is a pass. Pure: figures in, a verdict out.

- Memory: today's recall of every exam card (weighted by domain, unseen cards 0: what
  `exam status` calls readiness), give or take MEMORY_MARGIN for the model's own error.
- The mock: the share right, with its 95 % Wilson interval (65 questions are a small
  sample), corrected for lucky guesses: known = (right - chance) / (1 - chance).

The range spans both estimates with their uncertainty: a mock that recognises card text
well cannot outvote a memory that says the cards are not known, nor the other way round.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mlsflash.profiles import estimate_score

# FSRS's predicted recall against what a learner really recalls: a few points either way.
MEMORY_MARGIN = 0.05
Z_95 = 1.96


@dataclass(frozen=True)
class Estimate:
    """A share of the exam's questions known, as an interval within 0..1."""

    low: float
    high: float

    def scores(self) -> tuple[int, int]:
        return estimate_score(self.low), estimate_score(self.high)


@dataclass(frozen=True)
class Prediction:
    readiness: float  # today's recall of the exam's cards, weighted by domain (unseen 0)
    mock: Estimate
    unseen: int  # exam cards never seen
    passing_score: int

    @property
    def memory(self) -> Estimate:
        return from_memory(self.readiness)

    @property
    def low(self) -> int:
        return estimate_score(min(self.memory.low, self.mock.low))

    @property
    def high(self) -> int:
        return estimate_score(max(self.memory.high, self.mock.high))

    @property
    def passed(self) -> bool:
        return self.unseen == 0 and self.low >= self.passing_score

    def missing(self) -> str | None:
        """What stands between the learner and a pass, in a line; None on a pass."""
        if self.passed:
            return None
        predicted = f"predicted {self.low}–{self.high}"
        if self.unseen:
            return f"{self.unseen} exam card{'s' if self.unseen != 1 else ''} not seen yet; {predicted}"
        return f"{predicted}, its low end under the pass line {self.passing_score}"


def from_memory(recall: float) -> Estimate:
    return Estimate(_clamp(recall - MEMORY_MARGIN), _clamp(recall + MEMORY_MARGIN))


def from_mock(correct: int, questions: int, chance: float) -> Estimate:
    """The share known behind `correct` of `questions` right, when a question not known is
    still right by luck with probability `chance` (the mean over the questions)."""
    if questions <= 0:
        return Estimate(0.0, 1.0)
    low, high = wilson(correct, questions)
    return Estimate(_known(low, chance), _known(high, chance))


def wilson(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a binomial share (sound near 0 and 1, unlike p ± z·se)."""
    share = successes / trials
    denominator = 1 + z * z / trials
    centre = (share + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def chance(options: int, choose: int) -> float:
    """The probability of a blind pick being right: 1 in 4, or 1 in 10 for two of five."""
    return 1 / math.comb(options, choose) if options >= choose > 0 else 0.0


def _known(share_right: float, luck: float) -> float:
    return _clamp((share_right - luck) / (1 - luck)) if luck < 1 else _clamp(share_right)


def _clamp(share: float) -> float:
    return min(max(share, 0.0), 1.0)
