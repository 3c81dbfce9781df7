"""Canvas bulk downloads ("Download Submissions"): entry names, students, attempts.

Canvas names every file in the zip (``lib/content_zipper.rb`` in canvas-lms)::

    {name}_{LATE_}{user_id}_{file_id}_{original name}
    zhangwei_10001_55501_attention.ipynb
    zhangwei_LATE_10001_55502_attention-1.ipynb

- ``name`` is the student's sortable name, lower-cased, with everything but letters, digits and
  ``_`` removed (``Zhang, Wei`` -> ``zhangwei``). It is shown in messages, never matched.
- ``LATE_`` marks a submission Canvas considered late. Current Canvas writes it in capitals,
  older downloads in lower case; both are read. Intake cannot store the flag (an attempt has no
  field for it) but it stays visible in the attempt's ``origin``.
- ``user_id`` is the Canvas user id, matched to the roster's ``canvas_id``.
- ``file_id`` is the id of the uploaded file (Canvas's attachment id, often taken for a
  submission id). Ids grow with every upload, so they order attempts.
- ``original name`` is the student's file name with ``/ \\ : * ? " < > |`` replaced by ``_``. A
  file uploaded again under the same name becomes ``attention-1.ipynb``;
  :mod:`~autograder.intake.choose_file` accepts such copy suffixes.

A download holds each student's latest submission only, possibly several files: they make one
attempt, and the submission is chosen among them. Entries that cannot be placed: anonymous
grading (``anon_{id}_...``: the name and user id are hidden), text entries and URLs
(``..._text.html``, ``..._link.html``), and user ids not in the roster.

Times. A Canvas download carries no submission times: Canvas builds the zip when it is requested
and its zip library stamps every entry with that moment (the download time, days after the due
date if the instructor downloads late). Using it would make every student look late, so Canvas
attempts are recorded without a time (they count as on time here); Canvas's own ``LATE`` flag is
kept in the attempt's ``origin``, and Canvas's late policy, applied in Canvas, is the one to use for
these. The same upload (same user, same file ids) found in several downloads is recorded once; the
copies are listed as not placed, with the reason.

Loose files with these names (an extracted download) are read the same way, without a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from autograder.intake.attempt import Intake, Unplaced
from autograder.intake.attempt_files import EARLIEST, Draft, FoundFile, place
from autograder.intake.context import IntakeContext, absorb
from autograder.intake.file_names import printable

_FILE = re.compile(r"(?P<name>.*?)_(?:(?P<late>late)_)?(?P<user>\d+)_(?P<file>\d+)_(?P<original>.+)",
                   re.IGNORECASE | re.DOTALL)
_ANONYMOUS = re.compile(r"(?:(?P<late>late)_)?anon_(?P<user>[^_]+)_(?P<file>\d+)_(?P<original>.+)",
                        re.IGNORECASE | re.DOTALL)
_TEXT = re.compile(r"(?P<name>.*?)_(?:(?P<late>late)_)?(?P<user>\d+)_(?:text|link)\.html",
                   re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class CanvasName:
    """What a Canvas entry name says.

    Attributes:
        kind: ``file``, ``anonymous`` (anonymous grading) or ``text`` (text entry or URL).
        user_name: the name part (empty when anonymous).
        late: whether Canvas marked it late.
        user_id: the Canvas user id (the anonymous id when anonymous).
        file_id: the uploaded file's id (0 for text entries).
        original: the student's own file name (empty for text entries).
    """

    kind: str
    user_name: str
    late: bool
    user_id: str
    file_id: int
    original: str


def parse_canvas_name(path: str) -> CanvasName | None:
    """Read a Canvas bulk-download entry name; None when it is not one."""
    if "/" in path:
        return None
    anonymous = _ANONYMOUS.fullmatch(path)
    if anonymous:
        return CanvasName("anonymous", "", bool(anonymous["late"]), anonymous["user"], int(anonymous["file"]),
                          anonymous["original"])
    named = _FILE.fullmatch(path)
    if named:
        return CanvasName("file", named["name"], bool(named["late"]), named["user"], int(named["file"]),
                          named["original"])
    text = _TEXT.fullmatch(path)
    if text:
        return CanvasName("text", text["name"], bool(text["late"]), text["user"], 0, "")
    return None


def canvas_attempts(found: list[tuple[FoundFile, CanvasName]], assignment: str, ctx: IntakeContext) -> Intake:
    """The attempts in Canvas-named files of one assignment, and the files that cannot be placed."""
    total = Intake()
    groups: dict[tuple[str, str], list[tuple[FoundFile, CanvasName]]] = {}
    for file, name in found:
        if name.kind == "anonymous":
            total.unplaced.append(Unplaced(file.origin, "anonymous grading hides the student; download with "
                                           "anonymous grading off, or place the file by hand"))
        elif name.kind == "text":
            total.unplaced.append(Unplaced(file.origin, "a Canvas text entry or URL, not a file: grade it by hand"))
        else:
            groups.setdefault((file.container, name.user_id), []).append((file, name))
    drafts = []
    for (container, user_id), members in groups.items():
        student = ctx.roster.by_canvas_id(user_id)
        if student is None:
            reason = (f"Canvas user {user_id} ({printable(members[0][1].user_name)}) is not in the roster "
                      f"(no student has canvas_id {user_id})")
            total.unplaced.extend(Unplaced(file.origin, reason) for file, _ in members)
            continue
        drafts.append(_draft(assignment, student.student_id, container, members))
    for draft, _ in _one_per_upload(drafts, total):
        absorb(total, place(draft, ctx.assignments[assignment]))
    return total


def _draft(assignment: str, student_id: str, container: str,
           members: list[tuple[FoundFile, CanvasName]]) -> tuple[Draft, frozenset[int]]:
    files = [replace(file, path=name.original, origin=file.origin + (" [Canvas: LATE]" if name.late else ""))
             for file, name in members]
    where = f"{container} (Canvas user {members[0][1].user_id})"
    draft = Draft(assignment, student_id, "canvas", where, None, files)  # no time: see the module docstring
    return draft, frozenset(name.file_id for _, name in members)


def _one_per_upload(drafts: list[tuple[Draft, frozenset[int]]], total: Intake) -> list[tuple[Draft, frozenset[int]]]:
    """One draft per (student, uploaded files): the earliest; the others' files are listed as copies."""
    ordered = sorted(drafts, key=lambda d: (d[0].student_id, _time_key(d[0]), max(d[1])))
    kept: dict[tuple[str, frozenset[int]], Draft] = {}
    for draft, file_ids in ordered:
        first = kept.setdefault((draft.student_id, file_ids), draft)
        if first is not draft:
            reason = f"the same Canvas upload as in {first.where}; recorded once"
            total.unplaced.extend(Unplaced(file.origin, reason) for file in draft.files)
    return [(draft, ids) for draft, ids in ordered if kept[(draft.student_id, ids)] is draft]


def _time_key(draft: Draft) -> tuple:
    # Known times first, earliest first: the earliest download is kept as the tightest bound.
    return (draft.submitted_at is None, draft.submitted_at or EARLIEST)
