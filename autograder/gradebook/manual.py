"""Hand-graded scores (the written lab report, 实验报告) and the audit trail of every change.

A rubric CSV, UTF-8, one row per student and component::

    student_id,assignment,component,score,max_score,comment
    2024001,ch01_attention,report,18,20,清晰的对比实验

``component`` defaults to ``report``; an empty ``score`` clears the component. Each change is
written to the ``audit`` table with the old and new values and who made it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from autograder.gradebook.attempts import now_text
from autograder.gradebook.store import Gradebook


class RubricError(ValueError):
    pass


@dataclass(frozen=True)
class ManualScore:
    assignment: str
    student_id: str
    component: str
    score: float | None
    max_score: float
    comment: str = ""


def read_rubric(path: str | Path) -> list[ManualScore]:
    text = Path(path).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = {"student_id", "assignment", "score", "max_score"} - set(reader.fieldnames or [])
    if missing:
        raise RubricError(f"{path}: the header lacks {sorted(missing)}")
    scores = []
    for line, row in enumerate(reader, start=2):
        try:
            score = float(row["score"]) if (row["score"] or "").strip() else None
            max_score = float(row["max_score"])
        except ValueError:
            raise RubricError(f"{path}, line {line}: score and max_score must be numbers") from None
        if score is not None and not 0 <= score <= max_score:
            raise RubricError(f"{path}, line {line}: score {score} is outside 0..{max_score}")
        scores.append(ManualScore(row["assignment"].strip(), row["student_id"].strip(),
                                  (row.get("component") or "report").strip(), score, max_score,
                                  (row.get("comment") or "").strip()))
    return scores


def merge_manual_scores(gradebook: Gradebook, scores: list[ManualScore], actor: str) -> int:
    """Write the scores that differ from what is stored; return how many changed."""
    changed = 0
    with gradebook.transaction() as db:
        for item in scores:
            old = db.execute("SELECT score, max_score, comment FROM manual_scores WHERE assignment = ? AND "
                             "student_id = ? AND component = ?", (item.assignment, item.student_id, item.component)).fetchone()
            new = {"score": item.score, "max_score": item.max_score, "comment": item.comment}
            if old is not None and dict(old) == new:
                continue
            db.execute("INSERT OR REPLACE INTO manual_scores VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (item.assignment, item.student_id, item.component, item.score, item.max_score, item.comment,
                        actor, now_text()))
            db.execute("INSERT INTO audit (at, actor, action, assignment, student_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
                       (now_text(), actor, "manual_score", item.assignment, item.student_id,
                        json.dumps({"component": item.component, "old": dict(old) if old else None, "new": new},
                                   ensure_ascii=False)))
            changed += 1
    return changed


def manual_scores(gradebook: Gradebook, assignment_id: str) -> dict[str, list[ManualScore]]:
    rows = gradebook.connection.execute("SELECT * FROM manual_scores WHERE assignment = ?", (assignment_id,)).fetchall()
    out: dict[str, list[ManualScore]] = {}
    for row in rows:
        out.setdefault(row["student_id"], []).append(ManualScore(
            row["assignment"], row["student_id"], row["component"], row["score"], row["max_score"], row["comment"]))
    return out


def audit_trail(gradebook: Gradebook) -> list[dict]:
    return [dict(r) for r in gradebook.connection.execute("SELECT * FROM audit ORDER BY id").fetchall()]
