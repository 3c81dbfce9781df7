"""Submission intake: from folders and LMS bulk downloads to attempts mapped to the roster.

Every source produces :class:`Attempt` records and lists what it could not place as
:class:`Unplaced` records; nothing is dropped silently.
"""

from autograder.intake.attempt import Attempt, Intake, Unplaced

__all__ = ["Attempt", "Intake", "Unplaced"]
