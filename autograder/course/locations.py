"""Where a class lives on disk, and the defaults ``make grade`` uses.

A class folder holds ``course.toml``, ``roster.csv`` and ``submissions/``. The instructor's class
is the repository root when it has a ``submissions/`` folder; otherwise ``make grade`` grades the
bundled demo class in ``examples/demo_class/``, into ``grading_reports/demo/`` so that its
gradebook never mixes with a real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.assignment import REPO_ROOT

DEMO_CLASS = REPO_ROOT / "examples" / "demo_class"
REPORTS = REPO_ROOT / "grading_reports"


@dataclass(frozen=True)
class ClassPaths:
    course: Path
    roster: Path
    submissions: Path
    output: Path
    is_demo: bool

    @property
    def gradebook(self) -> Path:
        return self.output / "gradebook.sqlite"


def resolve(class_dir: str | None = None, course: str | None = None, roster: str | None = None,
            submissions: str | None = None, output: str | None = None) -> ClassPaths:
    if class_dir:
        base, is_demo = Path(class_dir), False
    elif submissions or (REPO_ROOT / "submissions").is_dir():
        base, is_demo = REPO_ROOT, False
    else:
        base, is_demo = DEMO_CLASS, True
    default_output = REPORTS / "demo" if is_demo else REPORTS
    return ClassPaths(
        course=Path(course) if course else base / "course.toml",
        roster=Path(roster) if roster else base / "roster.csv",
        submissions=Path(submissions) if submissions else base / "submissions",
        output=Path(output) if output else default_output,
        is_demo=is_demo,
    )
