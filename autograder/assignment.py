"""An assignment: where its reference, hidden suite and statement live, and its settings.

Each assignment has a folder ``autograder/suites/<id>/`` with an ``assignment.toml``::

    id = "ch01_attention"
    title = "注意力机制 Attention mechanisms"
    module = "attention"        # students submit attention.py or attention.ipynb
    keep = "definitions"        # the keep rule of autograder.submission.statements ("all" opts out)

    [limits]                    # optional overrides of autograder.sandbox.isolation.Limits
    call_timeout = 20

and the reference solution at ``reference/<id>/<module>.py`` with the statement beside it
(``reference/<id>/README.md``) and the public tests (``reference/<id>/test_public.py``).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from autograder.sandbox.isolation import Limits, package_folder

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
SUITES_DIR = PACKAGE_DIR / "suites"
REFERENCE_DIR = REPO_ROOT / "reference"
# The course's data layer (here ``datasets/coursedata``, elsewhere in a Gradescope package). It is
# public (students get it in their bundle), so student code may import it.
COURSEDATA_DIR = Path(package_folder("coursedata") or REPO_ROOT / "datasets" / "coursedata")
RELEASE_DIR = REPO_ROOT / "assignments"


class UnknownAssignmentError(LookupError):
    pass


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    module: str
    keep: str = "definitions"
    limits: Limits = field(default_factory=Limits)

    @property
    def suite_dir(self) -> Path:
        return SUITES_DIR / self.id

    @property
    def reference_dir(self) -> Path:
        return REFERENCE_DIR / self.id

    @property
    def reference_path(self) -> Path:
        return self.reference_dir / f"{self.module}.py"

    @property
    def statement_path(self) -> Path:
        return self.reference_dir / "README.md"

    @property
    def public_tests_path(self) -> Path:
        return self.reference_dir / "test_public.py"

    @property
    def release_dir(self) -> Path:
        return RELEASE_DIR / self.id

    @cached_property
    def suite_version(self) -> str:
        """A digest of everything that decides a grade: the suite, its mistakes, the reference."""
        digest = hashlib.sha256()
        files = sorted(p for p in self.suite_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for path in files + [self.reference_path]:
            digest.update(path.relative_to(REPO_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()[:16]

    def protected_paths(self) -> list[str]:
        """Folders student code must never read: every hidden thing in this repository."""
        return [str(REFERENCE_DIR), str(SUITES_DIR), str(REPO_ROOT / "grading_reports"),
                str(REPO_ROOT / "submissions"), str(REPO_ROOT / "examples"), str(REPO_ROOT / "tests")]

    def readable_paths(self) -> list[str]:
        """Folders of this repository student code may read (read-only): the data layer, which
        statements tell students to use (``coursedata.digits()``)."""
        return [str(COURSEDATA_DIR)]


def load_assignment(assignment_id: str) -> Assignment:
    """Read ``autograder/suites/<assignment_id>/assignment.toml``."""
    path = SUITES_DIR / assignment_id / "assignment.toml"
    if not path.is_file():
        known = ", ".join(all_assignment_ids()) or "none"
        raise UnknownAssignmentError(f"unknown assignment {assignment_id!r} (known: {known})")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if data.get("id") != assignment_id:
        raise ValueError(f"{path}: id {data.get('id')!r} does not match its folder {assignment_id!r}")
    limits = Limits(**data.get("limits", {}))
    return Assignment(id=assignment_id, title=data["title"], module=data["module"],
                      keep=data.get("keep", "definitions"), limits=limits)


def all_assignment_ids() -> list[str]:
    return sorted(p.parent.name for p in SUITES_DIR.glob("*/assignment.toml"))
