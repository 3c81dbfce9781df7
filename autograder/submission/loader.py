"""Load a submission file: decode, read the notebook if it is one, split into chunks.

``load_submission`` never raises for anything a student can put in a file. A file we cannot read
at all becomes a ``Submission`` whose ``fatal`` says why, which the judge turns into a score of 0
with that message on every test.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from autograder.submission.decoding import UndecodableError, decode_source
from autograder.submission.notebook import UnreadableNotebookError, read_code_cells
from autograder.submission.statements import KEEP_DEFINITIONS, Chunk, Problem, split_source

# Larger files are refused before they are read into memory. A notebook may legitimately carry
# megabytes of outputs (plots); a script never does.
MAX_SCRIPT_BYTES = 5 * 2**20
MAX_NOTEBOOK_BYTES = 200 * 2**20


@dataclass
class Submission:
    """What the sandbox needs to run a student's code, and what the report says about it.

    Attributes:
        name: the file name the student submitted (shown in messages).
        kind: ``"script"``, ``"notebook"`` or ``"unknown"``.
        sha256: hex digest of the raw bytes, which identifies the attempt.
        encoding: the text encoding the file was decoded with.
        chunks: top-level statements to run, in order.
        dropped: top-level statements not run under the keep rule.
        problems: code that could not be parsed.
        sources: full text per displayed file name (a script, or each notebook cell), used for
            tracebacks.
        fatal: set when nothing can be graded; the message for the student.
    """

    name: str
    kind: str
    sha256: str
    encoding: str = ""
    chunks: list[Chunk] = field(default_factory=list)
    dropped: list[Chunk] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    fatal: str | None = None

    def problem_for(self, name: str) -> Problem | None:
        """The parse problem that explains why ``name`` is missing, if any."""
        for problem in self.problems:
            if name in problem.names:
                return problem
        return None


def load_submission(path: str | Path, keep: str = KEEP_DEFINITIONS) -> Submission:
    """Load the file at ``path``; see :func:`load_submission_bytes`."""
    path = Path(path)
    limit = MAX_NOTEBOOK_BYTES if path.suffix.lower() == ".ipynb" else MAX_SCRIPT_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            return _fatal(path.name, b"", f"the file is {size / 2**20:.1f} MiB; the limit is {limit // 2**20} MiB")
        data = path.read_bytes()
    except OSError as exc:
        return _fatal(path.name, b"", f"the file could not be read: {exc.strerror or exc}")
    return load_submission_bytes(path.name, data, keep)


def load_submission_bytes(name: str, data: bytes, keep: str = KEEP_DEFINITIONS) -> Submission:
    """Turn a submitted file's bytes into a :class:`Submission`.

    Args:
        name: the file name; ``.ipynb`` means a notebook, anything else is read as a script.
        data: the raw contents.
        keep: the keep rule, ``"definitions"`` (default) or ``"all"``.
    """
    digest = hashlib.sha256(data).hexdigest()
    is_notebook = name.lower().endswith(".ipynb")
    submission = Submission(name=name, kind="notebook" if is_notebook else "script", sha256=digest)
    try:
        text, submission.encoding = decode_source(data)
    except UndecodableError as exc:
        submission.fatal = str(exc)
        return submission
    if is_notebook:
        try:
            cells = read_code_cells(text)
        except UnreadableNotebookError as exc:
            submission.fatal = str(exc)
            return submission
        files = [(f"{name}, cell {cell.number}", cell.source) for cell in cells]
    else:
        files = [(name, text)]
    for filename, source in files:
        submission.sources[filename] = source
        split = split_source(source, filename, keep)
        submission.chunks += split.chunks
        submission.dropped += split.dropped
        submission.problems += split.problems
    return submission


def _fatal(name: str, data: bytes, message: str) -> Submission:
    return Submission(name=name, kind="unknown", sha256=hashlib.sha256(data).hexdigest(), fatal=message)
