"""The ``reference`` fixture: the hidden reference module, in the grader's process.

Attribute access returns wrappers that behave like the reference's functions and classes and
also know the catalogued mistakes for that name, so a check that finds a wrong output can ask
"does one of the common mistakes produce exactly this?".
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from typing import Any

import torch

from autograder.assignment import Assignment
from autograder.checks.mistakes import Catalogue, Mistake, load_catalogue, load_variant
from autograder.checks.outputs import _clone


class ReferenceModule:
    def __init__(self, assignment: Assignment):
        self.assignment = assignment
        self.module = _load_reference(assignment)
        self.catalogue: Catalogue = _load_catalogue(assignment)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self.module, name)
        if isinstance(value, type):
            return ReferenceClass(self, name, value)
        if callable(value):
            return ReferenceFunction(self, name, value)
        return value

    def variants(self, name: str) -> list[tuple[Mistake, Any]]:
        """``(mistake, replacement)`` pairs for ``name``; variants that fail to load are skipped."""
        out = []
        for mistake in self.catalogue.for_name(name):
            module = _variant_module(self.assignment.reference_path, mistake)
            if module is not None:
                out.append((mistake, getattr(module, name)))
        return out


class ReferenceFunction:
    def __init__(self, reference: ReferenceModule, name: str, fn):
        self.reference = reference
        self.__name__ = name
        self.fn = fn

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def variant_calls(self, method: str | None = None):
        """Yield ``(mistake, callable)``: this function as each catalogued mistake has it."""
        yield from self.reference.variants(self.__name__)


class ReferenceClass:
    """A reference class; instances remember how they were built, to build mistaken twins."""

    def __init__(self, reference: ReferenceModule, name: str, cls: type):
        self.reference = reference
        self.__name__ = name
        self.cls = cls

    def __call__(self, *args, **kwargs) -> "ReferenceInstance":
        return ReferenceInstance(self, self.cls(*args, **kwargs), args, kwargs)


class ReferenceInstance:
    def __init__(self, owner: ReferenceClass, obj: Any, args: tuple, kwargs: dict):
        self.owner = owner
        self.obj = obj
        self.init_args = (args, kwargs)
        self.__name__ = f"{owner.__name__}.forward"

    def __call__(self, *args, **kwargs):
        return self.obj(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.obj, name)

    def variant_calls(self, method: str | None = None):
        """Yield ``(mistake, callable)``: a twin of this instance built from each mistaken class,
        holding the same weights (when they fit), dtype and train/eval mode; its ``method`` (or
        ``forward``)."""
        args, kwargs = self.init_args
        for mistake, variant_cls in self.owner.reference.variants(self.owner.__name__):
            try:
                twin = variant_cls(*_clone(args), **_clone(kwargs))
            except Exception:
                continue
            if isinstance(self.obj, torch.nn.Module):
                dtype = next((p.dtype for p in self.obj.parameters()), None)
                if dtype is not None:
                    twin.to(dtype)
                try:
                    twin.load_state_dict(self.obj.state_dict())
                except Exception:
                    pass  # other layer sizes: the twin keeps its own weights, and only a view of shapes can match
                twin.train(self.obj.training)
            yield mistake, getattr(twin, method) if method else twin




@functools.lru_cache(maxsize=None)
def _load_reference_cached(module_name: str, path: str):
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def _load_reference(assignment: Assignment):
    return _load_reference_cached(f"reference_{assignment.id}", str(assignment.reference_path))


def _load_catalogue(assignment: Assignment) -> Catalogue:
    return _load_catalogue_cached(str(assignment.suite_dir), assignment.suite_version, assignment.id,
                                  str(assignment.reference_path))


# Reading a catalogue takes about 20 ms a mistake (each one's source is parsed); a worker grading a
# class, or the self-tests of every mistake, reads it once per suite version instead of per grade.
@functools.lru_cache(maxsize=None)
def _load_catalogue_cached(suite_dir: str, suite_version: str, assignment_id: str, reference_path: str) -> Catalogue:
    from pathlib import Path

    return load_catalogue(Path(suite_dir), _load_reference_cached(f"reference_{assignment_id}", reference_path))


@functools.lru_cache(maxsize=None)
def _variant_module(path, mistake: Mistake):
    try:
        return load_variant(path, mistake)
    except Exception:
        return None
