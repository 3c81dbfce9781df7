"""API checks: a name exists with the right parameters; a module has the submodules asked for."""

from __future__ import annotations

import re
from typing import Any

import torch

from autograder.checks.failure import CheckFailure
from autograder.judge.describe import describe, describe_call
from autograder.sandbox.session import StudentCodeError


def has_signature(student, name: str, parameters: list[str], *, example: tuple = ()) -> None:
    """Fail unless the student's ``name`` is defined, takes exactly ``parameters`` in order, and
    runs on ``example`` (positional arguments) without raising.

    The signature is read from the submitted source (the same AST the loader kept). Running an
    example matters because the template already has the right signature: an API test must not
    give points to a TODO.
    """
    definition = student.definition(name)
    if definition is None:
        raise CheckFailure(f"`{name}` is not defined{student.why_missing(name)}")
    if definition["parameters"] != parameters:
        raise CheckFailure(f"`{name}` takes ({', '.join(definition['parameters'])}); the assignment asks for "
                           f"({', '.join(parameters)})")
    if getattr(student, name).call(example) is None and definition["kind"] == "function":
        raise CheckFailure(f"`{name}` returned None; it should return its result")


def has_parameters(module_handle, expected: dict[str, tuple[int, ...]]) -> None:
    """Fail unless the module's ``state_dict`` has exactly these names with these shapes."""
    got = module_handle.state_dict()
    shapes = {k: tuple(v.shape) for k, v in got.items() if isinstance(v, torch.Tensor)}
    missing = sorted(set(expected) - set(shapes))
    extra = sorted(set(shapes) - set(expected))
    if missing or extra:
        raise CheckFailure(f"{module_handle.label} has parameters {sorted(shapes)}; expected {sorted(expected)} "
                           f"(missing {missing}, unexpected {extra}). Use the submodule names the assignment gives.")
    for key, shape in expected.items():
        if shapes[key] != tuple(shape):
            raise CheckFailure(f"{module_handle.label}: parameter {key} has shape {list(shapes[key])}, "
                               f"expected {list(shape)}")


def shape_is(value: Any, shape: tuple[int, ...], *, what: str = "output") -> None:
    if not isinstance(value, torch.Tensor):
        raise CheckFailure(f"{what} should be a tensor of shape {list(shape)}, got {describe(value)}")
    if tuple(value.shape) != tuple(shape):
        raise CheckFailure(f"{what} has shape {list(value.shape)}, expected {list(shape)}")


def fails_with(student_fn, *args, error: str, match: str | None = None, **kwargs) -> None:
    """Fail unless the call raises ``error`` (a type name) whose message matches ``match``."""
    label = getattr(student_fn, "label", "your function")
    what = describe_call(label, args, kwargs)
    try:
        student_fn.call(args, kwargs)
    except StudentCodeError as exc:
        if exc.kind == "exception" and f"raised {error}:" in exc.message:
            if match is None or re.search(match, exc.message):
                return
        raise CheckFailure(f"{what} should raise {error}" + (f" mentioning {match!r}" if match else "") +
                           f"; instead: {exc.message}") from None
    raise CheckFailure(f"{what} should raise {error} for this input, but it returned normally")
