"""What a check found: each public test's outcome, and one row per function the assignment asks for.

A row's status, in the words the table uses:

- ``passed``: every public test of it passed;
- ``failed``: some public test of it failed (``todo`` instead when the failure is its TODO);
- ``todo``: it still raises NotImplementedError (and its public tests, if any, fail only on that);
- ``unchecked``: written, but no public test checks it (the hidden tests will);
- ``missing``: the file does not define it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autograder.student.hints import Hint, hint_for

PASSED, FAILED, TODO, UNCHECKED, MISSING = "passed", "failed", "todo", "unchecked", "missing"


@dataclass
class TestOutcome:
    """One public test (one parametrisation) and how it ended."""

    __test__ = False  # not a pytest test class, whatever its name

    nodeid: str
    name: str
    function: str
    outcome: str = "error"
    message: str = ""
    detail: str = ""
    error_type: str = ""
    duration: float = 0.0
    output: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    @property
    def counted(self) -> bool:
        return self.outcome != "skipped"

    @property
    def is_todo(self) -> bool:
        return self.error_type == "NotImplementedError"

    @property
    def hint(self) -> Hint | None:
        return None if self.passed else hint_for(self.error_type, self.message)


@dataclass
class FunctionRow:
    """One function or class of the assignment."""

    name: str
    status: str
    tests: list[TestOutcome] = field(default_factory=list)
    todo_methods: tuple[str, ...] = ()

    @property
    def passed(self) -> int:
        return sum(t.passed for t in self.tests if t.counted)

    @property
    def total(self) -> int:
        return sum(t.counted for t in self.tests)

    @property
    def failures(self) -> list[TestOutcome]:
        return [t for t in self.tests if t.counted and not t.passed]


@dataclass
class TestRun:
    """What running the public tests produced (in the sandbox or not), before it becomes a report."""

    __test__ = False

    tests: list[TestOutcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    isolation: str = ""
    device: str = ""


@dataclass
class CheckReport:
    """Everything the terminal table and the notebook's HTML show."""

    assignment_id: str
    title: str
    file_name: str
    tests: list[TestOutcome] = field(default_factory=list)
    functions: list[FunctionRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    fatal: str = ""
    isolation: str = ""
    device: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(t.passed for t in self.tests if t.counted)

    @property
    def total(self) -> int:
        return sum(t.counted for t in self.tests)

    @property
    def all_passed(self) -> bool:
        return not self.fatal and self.total > 0 and self.passed == self.total

    def count(self, status: str) -> int:
        return sum(row.status == status for row in self.functions)


def function_rows(asked: list[str], tests: list[TestOutcome],
                  written: dict[str, tuple[str, ...] | None]) -> list[FunctionRow]:
    """One row per function asked for (the template's order), then any other name a test checks.

    ``written`` maps each name the student's file defines to None (written) or its TODO parts.
    """
    rows: dict[str, FunctionRow] = {name: FunctionRow(name, "") for name in asked}
    for test in tests:
        key = test.function or "(public tests)"
        rows.setdefault(key, FunctionRow(key, "")).tests.append(test)
    for row in rows.values():
        defined = row.name in written
        todo = written.get(row.name)
        row.todo_methods = todo or ()
        counted = [t for t in row.tests if t.counted]
        if counted and all(t.passed for t in counted):
            row.status = PASSED
        elif not defined and row.name != "(public tests)":
            row.status = MISSING
        elif counted and all(t.is_todo for t in row.failures):
            row.status = TODO
        elif counted:
            row.status = FAILED
        elif todo is not None:
            row.status = TODO
        else:
            row.status = UNCHECKED
    return list(rows.values())
