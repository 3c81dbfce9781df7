"""Reference to template: solution blocks become TODOs.

The reference marks what students write, as nbgrader does::

    def f(x):
        ### BEGIN SOLUTION
        return x + 1
        ### END SOLUTION

and the template keeps everything else and puts, at the indentation of the marker::

    def f(x):
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError("f")
"""

from __future__ import annotations

import ast
import re

BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
TODO = "# TODO: 在此处编写你的代码 / write your code here"


class MarkerError(ValueError):
    """Solution markers that do not pair up."""


def make_template(source: str) -> str:
    """Replace every solution block of ``source`` by a TODO and ``raise NotImplementedError``."""
    out: list[str] = []
    inside: tuple[int, str] | None = None  # (line number, indentation) of the open BEGIN
    for number, line in enumerate(source.split("\n"), start=1):
        begin, end = BEGIN.match(line), END.match(line)
        if begin:
            if inside:
                raise MarkerError(f"line {number}: BEGIN SOLUTION inside the block opened at line {inside[0]}")
            inside = (number, begin.group(1))
            continue
        if end:
            if not inside:
                raise MarkerError(f"line {number}: END SOLUTION without BEGIN SOLUTION")
            indent = inside[1]
            out += [f"{indent}{TODO}", f"{indent}raise NotImplementedError({_enclosing_name(out)!r})"]
            inside = None
            continue
        if not inside:
            out.append(line)
    if inside:
        raise MarkerError(f"line {inside[0]}: BEGIN SOLUTION is never closed")
    template = "\n".join(out)
    ast.parse(template)  # a template that does not parse would be a broken release
    return template


def solution_lines(source: str) -> list[str]:
    """The non-blank lines inside solution blocks (for the leak checks of released material)."""
    lines, inside = [], False
    for line in source.split("\n"):
        if BEGIN.match(line):
            inside = True
        elif END.match(line):
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def _enclosing_name(lines: list[str]) -> str:
    """The name of the innermost def above the marker, for the NotImplementedError message."""
    for line in reversed(lines):
        match = re.match(r"\s*(?:async\s+)?def\s+(\w+)", line)
        if match:
            return match.group(1)
    return "TODO"
