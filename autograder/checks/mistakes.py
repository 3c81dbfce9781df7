"""The catalogue of common mistakes: code variants of the reference, each with a hint.

A suite's ``mistakes.py`` declares them as real code::

    from autograder.checks.mistakes import Catalogue

    catalogue = Catalogue()

    @catalogue.mistake("masked_softmax",
                       hint="Your weights sum to 1 over the query axis, not the key axis.",
                       hint_zh="你的权重沿查询轴归一化了，而不是沿键轴。")
    def softmax_over_queries(X, valid_lens=None):
        ...

The decorated function (or class) is a drop-in replacement for ``masked_softmax`` in the
reference module: ``mistakes.py`` runs in a namespace pre-filled with the reference's names, so a
mistake may call the reference's other functions, or subclass the reference class it replaces
and override one method (such a subclass is spliced in *after* the original instead of replacing
it). A catalogue serves twice:

- **hints**: when a student's output is wrong, the checks run each variant of that function on the
  same inputs; if one reproduces the student's output, its hint is added to the message;
- **self-tests**: each variant, spliced into the reference source, is a realistic wrong submission
  that must lose points and show its hint.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
import types
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Mistake:
    """One catalogued mistake in one graded function or class."""

    id: str
    replaces: str
    hint: str
    hint_zh: str
    source: str  # the variant's definition, renamed to ``replaces``

    def message(self) -> str:
        return f"Hint (common mistake `{self.id}`): {self.hint_zh} / {self.hint}"


class Catalogue:
    """The mistakes of one assignment, in declaration order."""

    def __init__(self):
        self.mistakes: list[Mistake] = []

    def mistake(self, replaces: str, *, hint: str, hint_zh: str):
        def register(obj):
            source = _renamed_source(obj, replaces)
            self.mistakes.append(Mistake(obj.__name__, replaces, hint, hint_zh, source))
            return obj
        return register

    def for_name(self, name: str) -> list[Mistake]:
        return [m for m in self.mistakes if m.replaces == name]


def _renamed_source(obj, new_name: str) -> str:
    tree = ast.parse(textwrap.dedent(inspect.getsource(obj)))
    node = tree.body[0]
    node.decorator_list = [d for d in node.decorator_list if "mistake" not in ast.unparse(d)]
    node.name = new_name
    return ast.unparse(node)


def splice(reference_source: str, mistake: Mistake) -> str:
    """The reference source with ``mistake.replaces`` swapped for the mistake's definition.

    A mistake that subclasses the class it replaces goes right after the original, so that the
    name ends up bound to the subclass.
    """
    tree = ast.parse(reference_source)
    lines = reference_source.split("\n")
    replacement = mistake.source.split("\n")
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == mistake.replaces:
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            if _subclasses_itself(mistake):
                return "\n".join(lines[:node.end_lineno] + ["", ""] + replacement + lines[node.end_lineno:])
            return "\n".join(lines[:start] + replacement + lines[node.end_lineno:])
    raise LookupError(f"the reference defines no top-level {mistake.replaces!r}")


def _subclasses_itself(mistake: Mistake) -> bool:
    node = ast.parse(mistake.source).body[0]
    return isinstance(node, ast.ClassDef) and any(
        isinstance(base, ast.Name) and base.id == mistake.replaces for base in node.bases)


def load_catalogue(suite_dir: Path, reference: types.ModuleType) -> Catalogue:
    """Run ``<suite_dir>/mistakes.py`` among the reference's names (empty when there is none)."""
    path = suite_dir / "mistakes.py"
    if not path.is_file():
        return Catalogue()
    module = types.ModuleType(f"autograder_mistakes_{suite_dir.name}")
    module.__dict__.update({k: v for k, v in vars(reference).items() if not k.startswith("__")})
    module.__file__ = str(path)
    sys.modules[module.__name__] = module  # inspect.getsource finds a class's file through it
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module.catalogue


def load_variant(reference_path: Path, mistake: Mistake) -> types.ModuleType:
    """Execute the reference with one mistake spliced in, as a module (trusted code)."""
    source = splice(reference_path.read_text(encoding="utf-8"), mistake)
    module = types.ModuleType(f"variant_{mistake.id}")
    module.__file__ = f"<variant {mistake.id}>"
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module
