"""Short descriptions of values for messages: ``float32[2, 3, 5]`` rather than a tensor dump."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def describe(value: Any, depth: int = 0) -> str:
    """A one-line, shape-level description of a value (never its hidden contents)."""
    if isinstance(value, torch.Tensor):
        dtype = str(value.dtype).replace("torch.", "")
        device = getattr(value, "wire_device", value.device.type)
        where = "" if device == "cpu" else f" on {device}"
        return f"{dtype}{list(value.shape)}{where}"
    if isinstance(value, np.ndarray):
        return f"ndarray {value.dtype}{list(value.shape)}"
    if depth > 2:
        return "..."
    if isinstance(value, tuple):
        return "(" + ", ".join(describe(v, depth + 1) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        inner = ", ".join(describe(v, depth + 1) for v in value[:4])
        return f"[{inner}{', ...' if len(value) > 4 else ''}] (len {len(value)})"
    if isinstance(value, dict):
        inner = ", ".join(f"{k!r}: {describe(v, depth + 1)}" for k, v in list(value.items())[:4])
        return "{" + inner + (", ..." if len(value) > 4 else "") + "}"
    if isinstance(value, (int, float, bool, str)) or value is None:
        text = repr(value)
        return text if len(text) <= 40 else text[:37] + "..."
    if hasattr(value, "type_name"):  # a handle to an object living in the student's process
        return f"<your {value.type_name}>"
    if type(value).__name__ == "Probe":
        return f"<function {value.name}>"
    return type(value).__name__


def describe_call(name: str, args: tuple, kwargs: dict) -> str:
    parts = [describe(a) for a in args] + [f"{k}={describe(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"
