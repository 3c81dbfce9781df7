"""The student's side of the sandbox: load their code, then answer calls until told to stop.

This module runs only in the forked child, after :mod:`isolation` has locked it down. It talks
to the grader through one socket with the :mod:`wire` format; whatever it returns is data, and
whatever it cannot encode (a model, a figure's axes, a generator) stays here behind a handle.
"""

from __future__ import annotations

import copy
import linecache
import os
import random
import sys
import traceback
import types
from typing import Any

import numpy as np
import torch

from autograder.sandbox import probes, wire

MODULE_ERROR_KINDS = ("missing", "not_implemented", "exit", "exception")


class Session:
    """The student's module and the objects the grader holds handles to."""

    def __init__(self, sock, module_name: str, filenames: set[str], reply_bytes: int):
        self.sock = sock
        self.module = types.ModuleType(module_name)
        self.module.__file__ = module_name + ".py"
        sys.modules[module_name] = self.module
        self.filenames = filenames
        self.objects: dict[int, Any] = {}
        self.reply_bytes = reply_bytes

    # -- handles ---------------------------------------------------------------------------
    def to_wire(self, value: Any) -> Any:
        """The ``on_unknown`` hook of the encoder: containers become data, the rest handles."""
        if isinstance(value, dict):
            return dict(value)
        if isinstance(value, tuple):
            return tuple(value)
        if isinstance(value, list):
            return list(value)
        figure = _describe_figure(value)
        if figure is not None:
            return figure
        self.objects[id(value)] = value
        return wire.Handle(id(value), type(value).__name__)

    def resolve(self, tag: str, body: Any) -> Any:
        if tag == "$probe":
            return probes.get(body)
        handle_id = body[0] if isinstance(body, list) else body
        if handle_id not in self.objects:
            raise LookupError("this object no longer exists in your process")
        return self.objects[handle_id]

    # -- loading ---------------------------------------------------------------------------
    def load(self, chunks: list[dict], sources: dict[str, str]) -> dict:
        for filename, text in sources.items():
            linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
        errors = []
        for index, chunk in enumerate(chunks):
            wire.send(self.sock, {"event": "chunk", "index": index})
            try:
                code = compile("\n" * (chunk["lineno"] - 1) + chunk["source"], chunk["filename"], "exec")
                exec(code, self.module.__dict__)
            except BaseException as exc:  # a student's top level may raise anything, SystemExit included
                errors.append({"index": index, **self.describe_error(exc)})
        defined = sorted(k for k in self.module.__dict__ if not k.startswith("__"))
        return {"event": "loaded", "defined": defined, "errors": errors}

    # -- calls -----------------------------------------------------------------------------
    def handle_request(self, request: dict) -> dict:
        op = request.get("op")
        try:
            if op == "call":
                return {"ok": self.call(request)}
            if op == "getattr":
                target = self.target(request["target"])
                return {"ok": getattr(target, request["name"])}
            if op == "hasattr":
                return {"ok": hasattr(self.module, request["name"])}
            if op == "release":
                for handle_id in request.get("ids", []):
                    self.objects.pop(handle_id, None)
                return {"ok": None}
            return {"error": {"kind": "protocol", "message": f"unknown operation {op!r}"}}
        except BaseException as exc:
            return {"error": self.describe_error(exc)}

    def target(self, spec: Any) -> Any:
        if isinstance(spec, str):
            if spec not in self.module.__dict__:
                raise _Missing(spec)
            return self.module.__dict__[spec]
        return spec  # already resolved from a handle by the decoder

    def call(self, request: dict) -> Any:
        target = self.target(request["target"])
        args, kwargs = request.get("args", []), request.get("kwargs", {})
        device = request.get("device")
        if device is not None:
            args, kwargs = _to_device(args, device), _to_device(kwargs, device)
            if isinstance(target, torch.nn.Module):
                # A copy moves, so the module keeps its CPU weights for later calls (the meta
                # device has no data to move back).
                target = _moved_copy(target, device)
        _seed(request.get("seed"))
        grad = request.get("grad")
        if grad is None:
            with torch.no_grad() if request.get("no_grad") else _nullcontext():
                return target(*args, **kwargs)
        return self.call_with_grad(target, args, kwargs, grad)

    def call_with_grad(self, target: Any, args: list, kwargs: dict, grad: dict) -> dict:
        """Run ``target`` with some inputs requiring grad, backpropagate ``grad_output``."""
        args = list(args)
        for i in grad["wrt"]:
            args[i] = args[i].detach().clone().requires_grad_(True)
        if isinstance(target, torch.nn.Module):
            target.zero_grad(set_to_none=True)
        output = target(*args, **kwargs)
        selected = output[grad["output"]] if grad.get("output") is not None else output
        if not isinstance(selected, torch.Tensor):
            raise TypeError(f"expected a tensor output to backpropagate through, got {type(selected).__name__}")
        grad_output = grad["grad_output"].to(selected.device)
        if tuple(selected.shape) != tuple(grad_output.shape):
            raise ValueError(f"output has shape {tuple(selected.shape)}, expected {tuple(grad_output.shape)}")
        if not selected.requires_grad:
            raise RuntimeError("the output does not depend on the inputs through autograd "
                               "(was it computed under torch.no_grad(), or with .detach()/.data/.item()?)")
        selected.backward(grad_output)
        result = {"output": selected.detach(), "input_grads": [args[i].grad for i in grad["wrt"]]}
        if isinstance(target, torch.nn.Module):
            result["param_grads"] = {n: p.grad for n, p in target.named_parameters()}
        return result

    # -- errors ----------------------------------------------------------------------------
    def describe_error(self, exc: BaseException) -> dict:
        if isinstance(exc, _Missing):
            return {"kind": "missing", "type": "AttributeError", "name": exc.name,
                    "message": f"your code defines no `{exc.name}`"}
        if isinstance(exc, SystemExit):
            kind = "exit"
        elif isinstance(exc, NotImplementedError) and self.raised_in_student_code(exc):
            # A TODO stub. PyTorch raises NotImplementedError too (an operator with no kernel for
            # the meta device): that one is an ordinary exception, with PyTorch's message.
            kind = "not_implemented"
        else:
            kind = "exception"
        return {"kind": kind, "type": _safe(lambda: type(exc).__name__), "message": _safe(lambda: str(exc)),
                "traceback": _safe(lambda: self.student_traceback(exc))}

    def raised_in_student_code(self, exc: BaseException) -> bool:
        """Whether a ``raise`` statement of the student's raised ``exc`` (not a call into PyTorch's C++)."""
        frames = traceback.extract_tb(exc.__traceback__)
        if not frames or frames[-1].filename not in self.filenames:
            return False
        return (frames[-1].line or "").lstrip().startswith("raise")

    def student_traceback(self, exc: BaseException) -> str:
        """The traceback trimmed to frames in the student's own files."""
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in self.filenames]
        lines = traceback.format_list(frames)
        return "".join(lines[-8:])


class _Missing(Exception):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class _nullcontext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _safe(fn) -> str:
    try:
        return str(fn())[:4000]
    except BaseException:  # a hostile __str__ must not take the child down
        return "<unprintable>"


def _seed(seed: int | None) -> None:
    if seed is None:
        return
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)


def _moved_copy(module: torch.nn.Module, device: str) -> torch.nn.Module:
    try:
        twin = copy.deepcopy(module)
    except Exception:  # a module that cannot be copied moves itself, as it would in any training script
        twin = module
    return twin.to(device)


def _to_device(value: Any, device: str) -> Any:
    if isinstance(value, torch.Tensor):
        return value.to(device)
    if isinstance(value, list):
        return [_to_device(v, device) for v in value]
    if isinstance(value, tuple):
        return tuple(_to_device(v, device) for v in value)
    if isinstance(value, dict):
        return {k: _to_device(v, device) for k, v in value.items()}
    return value


def _describe_figure(value: Any) -> dict | None:
    """A matplotlib figure as plain data: per axes, its texts and the images it shows."""
    matplotlib = sys.modules.get("matplotlib.figure")
    if matplotlib is None or not isinstance(value, matplotlib.Figure):
        return None
    axes = []
    for ax in value.get_axes():
        axes.append({
            "title": ax.get_title(),
            "xlabel": ax.get_xlabel(),
            "ylabel": ax.get_ylabel(),
            "xticklabels": [t.get_text() for t in ax.get_xticklabels()],
            "yticklabels": [t.get_text() for t in ax.get_yticklabels()],
            "images": [np.asarray(im.get_array(), dtype=np.float64) for im in ax.get_images()]
            + [np.asarray(c.get_array(), dtype=np.float64) for c in ax.collections
               if type(c).__name__ == "QuadMesh" and c.get_array() is not None],
        })
    return {"kind": "matplotlib.figure", "suptitle": value._suptitle.get_text() if value._suptitle else "",
            "axes": axes}


def serve(sock, out_fd: int, config: dict) -> None:
    """The child's main loop. Never returns; exits the process when the grader hangs up."""
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    os.close(out_fd)
    sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
    sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
    torch.set_num_threads(1)
    linecache.clearcache()  # lines the fork server happened to cache are not the student's to read
    request = wire.receive(sock, 2**31)
    session = Session(sock, request["module"], set(request["sources"]), config["reply_bytes"])
    loaded = session.load(request["chunks"], request["sources"])
    loaded["isolation"] = config["isolation"]
    wire.send(sock, loaded, session.to_wire)
    while True:
        try:
            request = wire.receive(sock, 2**31, session.resolve)
        except EOFError:
            os._exit(0)
        except Exception as exc:  # a message we could not decode: report, keep serving
            wire.send(sock, {"error": {"kind": "protocol", "message": str(exc)}})
            continue
        reply = session.handle_request(request)
        try:
            wire.send(sock, reply, session.to_wire)
        except BaseException as exc:  # the value could not be encoded (or its encoding raised)
            wire.send(sock, {"error": {"kind": "exception", "type": type(exc).__name__,
                                       "message": f"the returned value could not be sent back: {_safe(lambda: exc)}"}})
