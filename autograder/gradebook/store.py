"""The SQLite file, its schema and its transactions.

Why SQLite: one file, no server, transactions that survive ``kill -9``, and WAL mode lets readers
(reports, exports) run while a grader writes. Every write is a short transaction; a grading is
written only once complete, so an interrupted run loses at most the submissions in flight, and
re-running grades exactly those. Two graders on one file do not corrupt it: SQLite serialises their
writes (``busy_timeout``), and uniqueness constraints make a duplicate grading a no-op.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Every file ever submitted, once per (assignment, student, content, time): the record of attempts.
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    assignment TEXT NOT NULL,
    student_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    submitted_at TEXT,              -- ISO 8601 with offset, NULL when unknown (counts as on time)
    source TEXT NOT NULL,
    origin TEXT NOT NULL,
    content BLOB NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_by_student ON attempts (assignment, student_id);
-- An index on an expression, not a UNIQUE constraint: SQLite's UNIQUE treats NULLs as all distinct,
-- and an attempt with no known time must still be recorded only once.
CREATE UNIQUE INDEX IF NOT EXISTS attempts_once ON attempts (assignment, student_id, sha256, ifnull(submitted_at, ''));

-- One results document per attempt and suite version (a new suite version means a new grading).
CREATE TABLE IF NOT EXISTS gradings (
    id INTEGER PRIMARY KEY,
    attempt_id INTEGER NOT NULL REFERENCES attempts (id),
    suite_version TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    results TEXT NOT NULL,          -- the results document (JSON)
    graded_at TEXT NOT NULL,
    duration REAL NOT NULL,
    worker TEXT NOT NULL,
    UNIQUE (attempt_id, suite_version)
);

-- Hand-graded components (the lab report), the latest value per component.
CREATE TABLE IF NOT EXISTS manual_scores (
    assignment TEXT NOT NULL,
    student_id TEXT NOT NULL,
    component TEXT NOT NULL,
    score REAL,
    max_score REAL NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (assignment, student_id, component)
);

-- Who changed what, never updated or deleted.
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    assignment TEXT,
    student_id TEXT,
    detail TEXT NOT NULL
);
"""


class Gradebook:
    """An open gradebook. Use as a context manager, or call :meth:`close`."""

    def __init__(self, connection: sqlite3.Connection, path: Path):
        self.connection = connection
        self.path = path

    @contextmanager
    def transaction(self):
        """``BEGIN IMMEDIATE`` ... ``COMMIT``: takes the write lock up front, so two graders wait
        for each other instead of failing half-way."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_gradebook(path: str | Path) -> Gradebook:
    """Open (creating if needed) the gradebook at ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=60, isolation_level=None)  # transactions are explicit
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")  # a committed grading survives a power cut
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA busy_timeout=60000")
    gradebook = Gradebook(connection, path)
    with gradebook.transaction() as db:
        for statement in SCHEMA.split(";"):  # executescript would commit the open transaction
            if statement.strip():
                db.execute(statement)
        row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif int(row["value"]) != SCHEMA_VERSION:
            raise RuntimeError(f"{path} has gradebook schema {row['value']}; this grader reads {SCHEMA_VERSION}")
    return gradebook
