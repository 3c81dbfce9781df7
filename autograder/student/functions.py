"""Which functions an assignment asks for, which public tests check them, which are still TODO.

Everything here reads source text; nothing runs.

- The template says what is asked for: every top-level function or class with a
  ``raise NotImplementedError`` in it, in the template's order.
- A public test checks the student names it uses through the student's module
  (``attention.masked_softmax(...)``, after ``attention = importlib.import_module("attention")``
  or ``import attention``); the first one it uses is the function it is listed under.
- A student's definition is still a TODO while it raises ``NotImplementedError`` (for a class:
  in which of its methods).
"""

from __future__ import annotations

import ast


def asked_for(template_source: str) -> list[str]:
    """The names of the template's top-level definitions that contain a TODO, in order."""
    try:
        tree = ast.parse(template_source)
    except SyntaxError:
        return []
    return [node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and todo_parts(node) is not None]


def todo_parts(node: ast.stmt) -> tuple[str, ...] | None:
    """None when ``node`` raises no NotImplementedError; else the methods that do (``()`` for a function)."""
    if isinstance(node, ast.ClassDef):
        methods = tuple(child.name for child in node.body
                        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and _raises_todo(child))
        return methods or None
    return () if _raises_todo(node) else None


def student_todos(sources: list[str]) -> dict[str, tuple[str, ...] | None]:
    """For each top-level name the student's code defines (the last definition wins, as when it
    runs): None when it is written, else its TODO parts as :func:`todo_parts` gives them."""
    found: dict[str, tuple[str, ...] | None] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found[node.name] = todo_parts(node)
    return found


def names_used_by_tests(test_source: str, module: str) -> dict[str, list[str]]:
    """Test function name -> the student names it uses, in order of first use."""
    try:
        tree = ast.parse(test_source)
    except SyntaxError:
        return {}
    aliases = _module_aliases(tree, module)
    imported = {alias.asname or alias.name: alias.name for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module == module for alias in node.names}
    used: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            used[node.name] = _names_in(node, aliases, imported)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for child in node.body:
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and child.name.startswith("test"):
                    used[child.name] = _names_in(child, aliases, imported)
    return used


def _raises_todo(node: ast.AST) -> bool:
    for child in ast.walk(node):
        if isinstance(child, ast.Raise) and child.exc is not None:
            target = child.exc.func if isinstance(child.exc, ast.Call) else child.exc
            if isinstance(target, ast.Name) and target.id == "NotImplementedError":
                return True
    return False


def _module_aliases(tree: ast.Module, module: str) -> set[str]:
    """Names bound to the student's module (``import attention``, ``a = importlib.import_module("attention")``)."""
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases |= {alias.asname or alias.name for alias in node.names if alias.name == module}
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func, args = node.value.func, node.value.args
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__") and args and isinstance(args[0], ast.Constant) \
                    and args[0].value == module:
                aliases |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return aliases


def _names_in(function: ast.AST, aliases: set[str], imported: dict[str, str]) -> list[str]:
    """The student names ``function`` uses, in source order: ``alias.name`` or a name imported from the module."""
    uses = []
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            uses.append((node.lineno, node.col_offset, node.attr))
        elif isinstance(node, ast.Name) and node.id in imported:
            uses.append((node.lineno, node.col_offset, imported[node.id]))
    names: list[str] = []
    for _, _, name in sorted(uses):
        if name not in names:
            names.append(name)
    return names
