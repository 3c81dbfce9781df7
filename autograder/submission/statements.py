"""Source text to top-level chunks: what runs, what is dropped, what could not be parsed.

**The keep rule.** Student files carry more than the graded definitions: training loops, plots,
dataset downloads, demo calls. By default only these top-level statements are kept and run:

- ``import`` and ``from ... import`` statements;
- ``def``, ``async def`` and ``class`` definitions (with their decorators);
- assignments whose value is a constant expression: literals, names, attributes, arithmetic,
  containers of those, lambdas, and calls to a short list of harmless constructors such as
  ``torch.device(...)`` and ``torch.cuda.is_available()``;
- ``try`` blocks and ``if`` blocks whose bodies hold only statements that are kept, except
  ``if __name__ == "__main__":``.

Everything else (expression statements, loops, ``with`` blocks, other assignments) is dropped and
listed. An assignment may opt out with ``keep = "all"`` in its ``assignment.toml``.

**Syntax errors cost only what they touch.** A file that does not parse is cut into top-level
segments at lines that start in column 0; the longest run of segments that parses is kept, and a
segment that never parses is reported with the names it would have defined.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

KEEP_DEFINITIONS = "definitions"
KEEP_ALL = "all"

# Calls allowed inside a kept constant assignment. They build values and do nothing else.
_HARMLESS_CALLS = frozenset({
    "torch.device", "torch.cuda.is_available", "torch.backends.mps.is_available", "torch.tensor",
    "torch.Size", "torch.finfo", "torch.iinfo", "math.sqrt", "math.log", "range", "tuple", "list",
    "dict", "set", "frozenset", "int", "float", "str", "bool", "len", "namedtuple",
    "collections.namedtuple", "typing.NamedTuple", "TypeVar", "typing.TypeVar", "object",
})

_CONSTANT_NODES = (
    ast.Constant, ast.Name, ast.Attribute, ast.UnaryOp, ast.BinOp, ast.BoolOp, ast.Compare,
    ast.Tuple, ast.List, ast.Set, ast.Dict, ast.IfExp, ast.Subscript, ast.Slice, ast.Starred,
    ast.keyword, ast.Load, ast.Store, ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
    ast.Lambda, ast.arguments, ast.arg,
)

# A line in column 0 that can start a top-level statement; continuation keywords and closing
# brackets in column 0 belong to the statement above them.
_SEGMENT_START = re.compile(r"^(?!(?:else|elif|except|finally|case)\b)[A-Za-z_@]")
_DEFINED_NAME = re.compile(r"^\s*(?:async\s+def|def|class)\s+([A-Za-z_]\w*)", re.MULTILINE)
_MAX_SEGMENTS_JOINED = 40


@dataclass(frozen=True)
class Chunk:
    """A top-level statement to run, located in the file the student sees.

    ``filename`` is what tracebacks show (``attention.py`` or ``attention.ipynb, cell 7``) and
    ``lineno`` is the 1-based line of the chunk's first line in that file or cell.
    """

    filename: str
    lineno: int
    source: str
    kind: str
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """Code that could not be parsed, and the names that are missing because of it."""

    filename: str
    lineno: int
    message: str
    names: tuple[str, ...] = ()


@dataclass
class SplitResult:
    chunks: list[Chunk] = field(default_factory=list)
    dropped: list[Chunk] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def split_source(source: str, filename: str, keep: str = KEEP_DEFINITIONS) -> SplitResult:
    """Cut ``source`` into kept chunks, dropped chunks and syntax problems."""
    result = SplitResult()
    for lineno, segment_source, tree, error in _parse_segments(source):
        if error is not None:
            names = tuple(_DEFINED_NAME.findall(segment_source))
            result.problems.append(Problem(filename, lineno, error, names))
            continue
        for node in tree.body:
            chunk = _chunk_for(node, segment_source, filename, lineno)
            if keep == KEEP_ALL or _is_kept(node):
                result.chunks.append(chunk)
            else:
                result.dropped.append(chunk)
    return result


def _parse_segments(source: str):
    """Yield ``(first_line, text, tree, error)`` for parseable runs and unparseable segments."""
    try:
        yield 1, source, ast.parse(source), None
        return
    except SyntaxError:
        pass
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, absurd nesting
        yield 1, source, None, f"{type(exc).__name__}: {exc}"
        return
    lines = source.split("\n")
    starts = [i for i, line in enumerate(lines) if _SEGMENT_START.match(line)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    starts = _attach_decorators(starts, lines)
    bounds = starts + [len(lines)]
    i = 0
    while i < len(starts):
        for j in range(min(len(starts), i + _MAX_SEGMENTS_JOINED), i, -1):
            text = "\n".join(lines[bounds[i]:bounds[j]])
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
            yield bounds[i] + 1, text, tree, None
            i = j
            break
        else:
            text = "\n".join(lines[bounds[i]:bounds[i + 1]])
            yield bounds[i] + 1, text, None, _syntax_message(text, bounds[i])
            i += 1


def _attach_decorators(starts: list[int], lines: list[str]) -> list[int]:
    """A decorator line and the definition under it form one segment."""
    kept = []
    for start in starts:
        follows_decorator = kept and lines[kept[-1]].startswith("@")
        if follows_decorator and re.match(r"(@|def |async |class )", lines[start]):
            continue
        kept.append(start)
    return kept


def _syntax_message(text: str, offset: int) -> str:
    try:
        ast.parse(text)
    except SyntaxError as exc:
        line = (exc.lineno or 1) + offset
        return f"SyntaxError at line {line}: {exc.msg}"
    except Exception as exc:  # pragma: no cover - ValueError for NUL bytes and the like
        return f"{type(exc).__name__}: {exc}"
    return "this code only parses together with code that has a syntax error"


def _chunk_for(node: ast.stmt, segment: str, filename: str, first_line: int) -> Chunk:
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    end = node.end_lineno or node.lineno
    text = "\n".join(segment.split("\n")[start - 1:end])
    return Chunk(filename, first_line + start - 1, text, _kind(node), _names(node))


def _kind(node: ast.stmt) -> str:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return "import"
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return "function"
    if isinstance(node, ast.ClassDef):
        return "class"
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        return "assignment"
    return type(node).__name__.lower()


def _names(node: ast.stmt) -> tuple[str, ...]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (node.name,)
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return tuple(t.id for t in targets if isinstance(t, ast.Name))


def _is_kept(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.Assign):
        return _is_constant(node.value)
    if isinstance(node, ast.AnnAssign):
        return node.value is None or _is_constant(node.value)
    if isinstance(node, ast.Try):
        blocks = node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body]
        return all(_is_kept(s) or isinstance(s, ast.Pass) for s in blocks)
    if isinstance(node, ast.If):
        if _is_main_guard(node.test):
            return False
        return _is_constant(node.test) and all(_is_kept(s) for s in node.body + node.orelse)
    return False


def _is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
    )


def _is_constant(expr: ast.expr) -> bool:
    pending = [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Lambda):
            continue  # a lambda is a definition: its body runs only when a test calls it
        if isinstance(node, ast.Call):
            if _dotted_name(node.func) not in _HARMLESS_CALLS:
                return False
        elif not isinstance(node, _CONSTANT_NODES):
            return False
        pending.extend(ast.iter_child_nodes(node))
    return True


def _dotted_name(func: ast.expr) -> str:
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
        return ".".join(reversed(parts))
    return ""
