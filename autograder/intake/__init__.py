"""Submission intake: from folders and LMS bulk downloads to attempts mapped to the roster.

Every source produces :class:`Attempt` records and lists what it could not place as
:class:`Unplaced` records; nothing is dropped silently. :func:`collect` reads them all; see
:mod:`autograder.intake.collect` for the layout and the rules.
"""

from autograder.intake.attempt import Attempt, Intake, Unplaced
from autograder.intake.collect import collect

__all__ = ["Attempt", "Intake", "Unplaced", "collect"]
