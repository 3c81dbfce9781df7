"""A synthetic class for benchmarks: N students, half correct, half with catalogued mistakes."""

from __future__ import annotations

from pathlib import Path

from autograder.assignment import load_assignment
from autograder.checks.mistakes import splice
from autograder.judge.reference import ReferenceModule


def build_class(folder: Path, size: int, assignment_id: str = "ch01_attention") -> Path:
    """Write course.toml, roster.csv and submissions/ for ``size`` students into ``folder``."""
    assignment = load_assignment(assignment_id)
    reference = assignment.reference_path.read_text(encoding="utf-8")
    mistakes = ReferenceModule(assignment).catalogue.mistakes
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.toml").write_text(f'[[assignments]]\nid = "{assignment_id}"\npoints = 100\n', encoding="utf-8")
    rows = ["student_id,name"]
    for i in range(size):
        student_id = f"b{i:04d}"
        rows.append(f"{student_id},Student {i}")
        source = reference if i % 2 == 0 else splice(reference, mistakes[(i // 2) % len(mistakes)])
        target = folder / "submissions" / assignment_id / student_id / f"{assignment.module}.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source, encoding="utf-8")
    (folder / "roster.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder
