"""Named functions a hidden test may pass into student code.

Callables cannot cross the sandbox boundary, but some student functions take one (a numerical
gradient of ``f`` at ``x``). A test sends ``Probe("cubic_sum")`` and the child looks the
function up here. Everything here is public and harmless.
"""

from __future__ import annotations

import torch


def cubic_sum(x: torch.Tensor) -> torch.Tensor:
    """``sum(x**3)``: gradient ``3 x**2``."""
    return (x ** 3).sum()


def sine_sum(x: torch.Tensor) -> torch.Tensor:
    """``sum(sin(x))``: gradient ``cos(x)``."""
    return torch.sin(x).sum()


def logsumexp(x: torch.Tensor) -> torch.Tensor:
    """``log(sum(exp(x)))``: gradient ``softmax(x)``."""
    return torch.logsumexp(x.reshape(-1), dim=0)


def quadratic_form(x: torch.Tensor) -> torch.Tensor:
    """``sum_ij x_i x_j (i + j + 1)`` over the flattened input, a coupled function of every entry."""
    flat = x.reshape(-1)
    n = flat.numel()
    idx = torch.arange(n, dtype=flat.dtype, device=flat.device)
    weights = idx[:, None] + idx[None, :] + 1
    return flat @ weights @ flat


_PROBES = {fn.__name__: fn for fn in (cubic_sum, sine_sum, logsumexp, quadratic_form)}


def get(name: str):
    """The probe called ``name``; unknown names are a grader bug."""
    if name not in _PROBES:
        raise LookupError(f"unknown probe {name!r}")
    return _PROBES[name]
