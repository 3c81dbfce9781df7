"""What every intake step needs, and how the steps' findings add up.

Each step (a student folder, an archive, nbgrader's ``submitted/``) returns an
:class:`~autograder.intake.attempt.Intake` of its own; :func:`guarded` runs a step so that an
unexpected failure (a permission error, a bug meeting an input nobody foresaw) becomes one
:class:`~autograder.intake.attempt.Unplaced` record for that step's folder or archive, and the
other steps go on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograder.course.roster import Roster
from autograder.intake.attempt import Intake, Unplaced
from autograder.intake.file_names import disk_name, printable


@dataclass(frozen=True)
class IntakeContext:
    """The inputs of one intake run.

    Attributes:
        root: the submissions folder; origins are written relative to it.
        roster: the class.
        timezone: the course time zone (naive times are read in it).
        assignments: assignment id -> module name, for the assignments being collected.
    """

    root: Path
    roster: Roster
    timezone: str
    assignments: dict[str, str]

    def origin(self, path: Path) -> str:
        """A printable pointer to ``path``: relative to the submissions folder, ``/``-separated."""
        try:
            relative = path.relative_to(self.root)
        except ValueError:
            relative = path
        return printable("/".join(disk_name(part) for part in relative.parts) or ".")


def absorb(total: Intake, part: Intake) -> None:
    """Add a step's attempts and unplaced files to the run's."""
    total.attempts.extend(part.attempts)
    total.unplaced.extend(part.unplaced)


def guarded(origin: str, step: Callable[[], Intake]) -> Intake:
    """Run one step; an unexpected exception becomes an Unplaced record for ``origin``."""
    try:
        return step()
    except Exception as exc:  # one broken input must not stop the class
        reason = f"intake failed here ({type(exc).__name__}: {printable(str(exc))}); everything else was read"
        return Intake(unplaced=[Unplaced(origin, reason)])
