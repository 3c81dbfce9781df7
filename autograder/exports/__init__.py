"""Gradebook exports: the final grades as files an LMS imports.

One exporter per LMS, each a class with one method, ``export(grades, course, out_dir) ->
ExportResult``, registered by name below. Every export writes into ``out_dir`` (file names do not
collide, so all can share one folder) and lists in ``ExportResult.unplaced`` whatever the LMS will
not receive as intended. Shared rules: blank for pending and missing grades (:mod:`.table`),
formula-safe text and plain numbers (:mod:`.cells`), whole-file writes (:mod:`.writing`).

    from autograder.exports import export
    result = export("canvas", grades, course, Path("grading_reports/exports"))
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from autograder.course.config import CourseConfig
from autograder.exports.base import Exporter, ExportResult
from autograder.exports.blackboard import BlackboardExporter
from autograder.exports.canvas import CanvasExporter
from autograder.exports.csv_tables import CsvTablesExporter
from autograder.exports.gradescope import GradescopeExporter
from autograder.exports.moodle import MoodleExporter
from autograder.gradebook.final import FinalGrade

EXPORTERS: dict[str, type] = {
    "canvas": CanvasExporter,
    "moodle": MoodleExporter,
    "blackboard": BlackboardExporter,
    "gradescope": GradescopeExporter,
    "csv": CsvTablesExporter,
}


class UnknownExporterError(LookupError):
    pass


def export(name: str, grades: Sequence[FinalGrade], course: CourseConfig, out_dir: str | Path,
           **options) -> ExportResult:
    """Run the exporter registered as ``name``; ``options`` go to its constructor (e.g. ``titles=``)."""
    try:
        exporter_class = EXPORTERS[name]
    except KeyError:
        raise UnknownExporterError(f"no exporter named {name!r} (known: {', '.join(EXPORTERS)})") from None
    return exporter_class(**options).export(grades, course, Path(out_dir))


# The exporters whose files show assignment titles (the others key columns by id only).
TITLED = frozenset({"canvas", "moodle", "blackboard"})


def export_all(grades: Sequence[FinalGrade], course: CourseConfig, out_dir: str | Path,
               titles: dict[str, str] | None = None, names: Sequence[str] | None = None) -> dict[str, ExportResult]:
    """Run every exporter (or those in ``names``), giving titles to those that show them."""
    return {name: export(name, grades, course, out_dir, **({"titles": titles} if titles and name in TITLED else {}))
            for name in (names or EXPORTERS)}


__all__ = ["EXPORTERS", "ExportResult", "Exporter", "UnknownExporterError", "export", "export_all"]
