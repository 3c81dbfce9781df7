"""The roster: who is in the class, and every id an LMS may know them by.

A UTF-8 CSV (a BOM is fine) with a header; ``student_id`` and ``name`` are required, the rest
optional::

    student_id,name,email,sis_id,section,canvas_id,username
    2024001,张伟,zhangwei@example.edu,S2024001,A,10001,zhangwei

``canvas_id`` is the Canvas user id (for Canvas exports and Canvas bulk downloads); ``username`` is
the Blackboard/Moodle login (for Blackboard exports).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

FIELDS = ("student_id", "name", "email", "sis_id", "section", "canvas_id", "username")


class RosterError(ValueError):
    pass


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str
    email: str = ""
    sis_id: str = ""
    section: str = ""
    canvas_id: str = ""
    username: str = ""


class Roster:
    """Students by id, with look-ups by the other ids LMS files carry."""

    def __init__(self, students: list[Student]):
        self.students: dict[str, Student] = {}
        for student in students:
            if student.student_id in self.students:
                raise RosterError(f"student_id {student.student_id!r} appears twice in the roster")
            self.students[student.student_id] = student

    def __iter__(self):
        return iter(self.students.values())

    def __len__(self) -> int:
        return len(self.students)

    def __contains__(self, student_id: str) -> bool:
        return student_id in self.students

    def get(self, student_id: str) -> Student | None:
        return self.students.get(student_id)

    def by_canvas_id(self, canvas_id: str) -> Student | None:
        return next((s for s in self if s.canvas_id and s.canvas_id == canvas_id), None)

    def by_name(self, name: str) -> Student | None:
        """The one student with this name (Unicode-normalised, case- and space-insensitive), if unique."""
        key = name_key(name)
        found = [s for s in self if name_key(s.name) == key]
        return found[0] if len(found) == 1 else None


def name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def load_roster(path: str | Path) -> Roster:
    """Read a roster CSV; a missing required column or an empty id is a :class:`RosterError`."""
    text = Path(path).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = {"student_id", "name"} - set(reader.fieldnames or [])
    if missing:
        raise RosterError(f"{path}: the header lacks {sorted(missing)} (it has {reader.fieldnames})")
    students = []
    for line, row in enumerate(reader, start=2):
        values = {field: (row.get(field) or "").strip() for field in FIELDS}
        if not values["student_id"]:
            raise RosterError(f"{path}, line {line}: empty student_id")
        students.append(Student(**values))
    return Roster(students)
