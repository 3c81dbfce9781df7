"""GPU/CPU parity, or device agnosticism where there is no GPU.

On a CUDA machine the student's code runs on CUDA and must agree with the reference on the CPU
(and return its result on CUDA). Without CUDA it runs on PyTorch's ``meta`` device, where tensors
have shapes but no data: a tensor the student creates on the CPU (``torch.zeros(n)`` without
``device=x.device``) then meets a meta tensor and raises. Either way a correct, device-agnostic
submission passes, so scores do not depend on the machine; the result records which mode ran.

The meta device cannot run code that reads tensor values (``.item()``, ``int(t)``, ``nonzero``,
Python loops over a tensor's values): such correct code, loop-based solutions for instance, would
fail there but pass on CUDA. When the meta run fails for that reason alone, the check falls back to
the CPU and compares with the reference (mode ``cpu``). The gap this leaves: code that both reads
tensor values and creates CPU tensors passes here and fails on a CUDA machine.
"""

from __future__ import annotations

import re

import torch

from autograder.checks.compare import compare
from autograder.checks.failure import CheckFailure
from autograder.checks.outputs import _clone
from autograder.judge.describe import describe_call
from autograder.sandbox.session import StudentCodeError

# Matmul and reductions on a GPU sum in another order than on a CPU; looser than same-device.
CUDA_RTOL, CUDA_ATOL = 1e-4, 1e-5

# What PyTorch says when code reads the values of a meta tensor (which has none).
_DATA_DEPENDENT = re.compile(
    r"meta tensors|data-dependent|on meta tensor|Cannot access data pointer|aten::_local_scalar_dense|aten::nonzero|"
    r"aten::item|is not implemented for 'Meta'|Cannot copy out of meta tensor|can't convert meta device type tensor|"
    r"torch\.nonzero|register_meta|no fake impl or Meta kernel|raises unimplemented by default")


def parity_mode() -> str:
    return "cuda" if torch.cuda.is_available() else "meta"


def device_agnostic(student_fn, reference_fn, *args, module_args: tuple | None = None, **kwargs) -> str:
    """Run the student's code on another device and check it; return the mode (``cuda``/``meta``).

    ``student_fn`` may be a function or a module handle; a module handle is moved to the device.
    """
    mode = parity_mode()
    expected = reference_fn(*_clone(args), **_clone(kwargs))
    label = getattr(student_fn, "label", "your function")
    what = describe_call(label, args, kwargs)
    if mode == "meta":
        meta_args = tuple(_to_meta(a) for a in args)
        meta_kwargs = {k: _to_meta(v) for k, v in kwargs.items()}
        try:
            got = student_fn.call(meta_args, meta_kwargs, device="meta")
        except StudentCodeError as exc:
            if exc.kind == "exception" and _DATA_DEPENDENT.search(exc.message):
                got = student_fn.call(args, kwargs)
                problem = compare(got, expected)
                if problem:
                    raise CheckFailure(f"{what}: {problem}") from None
                return "cpu"
            raise CheckFailure(
                f"{what} fails when its inputs are not on the CPU (checked on the meta device, since this machine has "
                f"no GPU): {exc.message}\nCreate new tensors on the inputs' device, e.g. "
                "`torch.zeros(n, device=x.device)` or `torch.ones_like(x)`, and avoid .numpy()/.item() in the "
                "computation.") from None
        problem = compare(got, expected)
    else:
        got = student_fn.call(args, kwargs, device="cuda")
        problem = _device_problem(got) or compare(got, expected, rtol=CUDA_RTOL, atol=CUDA_ATOL)
    if problem:
        raise CheckFailure(f"{what} on {mode}: {problem}")
    return mode


def _to_meta(value):
    if isinstance(value, torch.Tensor):
        return value.to("meta")
    if isinstance(value, (list, tuple)):
        return type(value)(_to_meta(v) for v in value)
    if isinstance(value, dict):
        return {k: _to_meta(v) for k, v in value.items()}
    return value


def _device_problem(value) -> str | None:
    tensors = [value] if isinstance(value, torch.Tensor) else [v for v in value if isinstance(v, torch.Tensor)] \
        if isinstance(value, (list, tuple)) else []
    for tensor in tensors:
        device = getattr(tensor, "wire_device", "cpu")
        if device != "cuda":
            return f"the result came back on {device}, not on the inputs' device (cuda)"
    return None
