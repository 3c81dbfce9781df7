"""What a hidden test holds of the student's code: proxies whose calls run in the sandbox.

``student.masked_softmax(X, lens)`` sends ``X`` and ``lens`` to the child as data and returns
the result as data. ``student.MultiHeadAttention(16, 4)`` returns a :class:`StudentObject`, a
handle to the module living in the child: call it to run ``forward``, read attributes (tensors
come back as copies, submodules as further handles), call its methods (``state_dict()``,
``load_state_dict(sd)``). Nothing the child sends is executed or unpickled here.
"""

from __future__ import annotations

import ast
from typing import Any

import torch

from autograder.judge.describe import describe_call
from autograder.sandbox import wire
from autograder.sandbox.session import RemoteRef, Sandbox, StudentCodeError
from autograder.submission import Submission


class Remote:
    """Something callable in the student's process: a top-level name or a handle."""

    def __init__(self, sandbox: Sandbox, label: str):
        self._sandbox = sandbox
        self._label = label

    @property
    def label(self) -> str:
        return self._label

    def _target(self) -> Any:
        raise NotImplementedError

    def __call__(self, *args, **kwargs) -> Any:
        return self.call(args, kwargs)

    def call(self, args: tuple = (), kwargs: dict | None = None, *, device: str | None = None,
             seed: int | None = 0, timeout: float | None = None, no_grad: bool = False) -> Any:
        """Call in the child. ``device`` moves tensor arguments (and a module target) there first;
        ``seed`` seeds torch, numpy and random in the child just before the call."""
        kwargs = kwargs or {}
        what = describe_call(self._label, args, kwargs)
        message = {"op": "call", "target": self._target(), "args": list(_outgoing(args)),
                   "kwargs": _outgoing(kwargs), "device": device, "seed": seed, "no_grad": no_grad}
        return _incoming(self._sandbox, self._sandbox.request(message, what, timeout), what)

    def backward(self, args: tuple, kwargs: dict | None = None, *, wrt: tuple[int, ...], grad_output: torch.Tensor,
                 output: int | None = None, seed: int | None = 0) -> dict:
        """Call with positional arguments ``wrt`` requiring grad, backpropagate ``grad_output``
        from the output (or ``output[output]``); return ``output``, ``input_grads`` and, for a
        module, ``param_grads``."""
        kwargs = kwargs or {}
        what = describe_call(self._label, args, kwargs) + " (with autograd)"
        message = {"op": "call", "target": self._target(), "args": list(_outgoing(args)),
                   "kwargs": _outgoing(kwargs), "seed": seed,
                   "grad": {"wrt": list(wrt), "output": output, "grad_output": grad_output}}
        return _incoming(self._sandbox, self._sandbox.request(message, what), self._label)


class StudentFunction(Remote):
    """A top-level function or class of the student's module, looked up when called."""

    def __init__(self, module: "StudentModule", name: str):
        super().__init__(module._sandbox, name)
        self._module = module
        self.__name__ = name

    def _target(self) -> Any:
        return self.__name__

    def call(self, *a, **k) -> Any:
        try:
            return super().call(*a, **k)
        except StudentCodeError as exc:
            raise self._module.explain_missing(exc, self.__name__) from None

    def backward(self, *a, **k) -> dict:
        try:
            return super().backward(*a, **k)
        except StudentCodeError as exc:
            raise self._module.explain_missing(exc, self.__name__) from None


class StudentObject(Remote):
    """A handle to an object in the child (a module instance, a bound method, ...)."""

    def __init__(self, sandbox: Sandbox, ref: RemoteRef, label: str):
        super().__init__(sandbox, label)
        self._ref = ref
        self.type_name = ref.handle.type_name

    def _target(self) -> Any:
        self._check_alive()
        return self._ref.handle

    def _check_alive(self) -> None:
        process = self._sandbox.process
        if process is None or process is not self._ref.process or not process.alive:
            raise StudentCodeError(
                "crash", f"{self._label} no longer exists: the process running your code was restarted "
                "after an earlier failure")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        self._check_alive()
        what = f"{self._label}.{name}"
        value = self._sandbox.request({"op": "getattr", "target": self._ref.handle, "name": name}, what)
        return _incoming(self._sandbox, value, what)

    def __repr__(self) -> str:
        return f"<student {self.type_name}: {self._label}>"


class StudentModule:
    """The ``student`` fixture: attribute access gives the student's top-level names."""

    def __init__(self, sandbox: Sandbox, submission: Submission):
        self._sandbox = sandbox
        self._submission = submission

    def __getattr__(self, name: str) -> StudentFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return StudentFunction(self, name)

    def definition(self, name: str) -> dict | None:
        """How the submitted source defines ``name`` (read from the source, nothing runs):
        ``{"kind": "function" | "class", "parameters": [...]}``; a class reports ``__init__``'s
        parameters without ``self``. The last definition wins, as it does when the code runs."""
        found = None
        for chunk in self._submission.chunks:
            if name not in chunk.names or chunk.kind not in ("function", "class"):
                continue
            node = ast.parse(chunk.source).body[0]
            if isinstance(node, ast.ClassDef):
                init = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
                params = _parameters(init.args)[1:] if init else []
                found = {"kind": "class", "parameters": params}
            else:
                found = {"kind": "function", "parameters": _parameters(node.args)}
        return found

    def why_missing(self, name: str) -> str:
        exc = self.explain_missing(StudentCodeError("missing", ""), name)
        return exc.message

    def has(self, name: str) -> bool:
        return bool(self._sandbox.request({"op": "hasattr", "name": name}, f"looking up {name}"))

    def explain_missing(self, exc: StudentCodeError, name: str) -> StudentCodeError:
        """Say *why* a name is missing when the loader knows (a syntax error, dropped code)."""
        if exc.kind != "missing":
            return exc
        problem = self._submission.problem_for(name)
        if problem is not None:
            exc.message += (f". Its definition at {problem.filename}, line {problem.lineno} could not be read: "
                            f"{problem.message}")
        elif any(name in c.names for c in self._submission.dropped):
            exc.message += (". It is assigned at top level by code the grader does not run (only imports, "
                            "definitions and constants are kept); define it with `def` or `class`")
        else:
            exc.message += ". Check the spelling: names must match the assignment exactly"
        return exc


def _parameters(args: ast.arguments) -> list[str]:
    names = [a.arg for a in args.posonlyargs + args.args]
    if args.vararg:
        names.append("*" + args.vararg.arg)
    names += [a.arg for a in args.kwonlyargs]
    if args.kwarg:
        names.append("**" + args.kwarg.arg)
    return names


def _outgoing(value: Any) -> Any:
    """Replace student objects by their handles before sending arguments."""
    if isinstance(value, StudentObject):
        return value._target()
    if isinstance(value, list):
        return [_outgoing(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_outgoing(v) for v in value)
    if isinstance(value, dict):
        return {k: _outgoing(v) for k, v in value.items()}
    return value


def _incoming(sandbox: Sandbox, value: Any, label: str) -> Any:
    """Wrap handles in a reply as :class:`StudentObject`."""
    if isinstance(value, RemoteRef):
        return StudentObject(sandbox, value, label)
    if isinstance(value, list):
        return [_incoming(sandbox, v, label) for v in value]
    if isinstance(value, tuple):
        return tuple(_incoming(sandbox, v, label) for v in value)
    if isinstance(value, dict):
        return {k: _incoming(sandbox, v, label) for k, v in value.items()}
    return value


__all__ = ["StudentModule", "StudentFunction", "StudentObject", "Remote", "wire"]
