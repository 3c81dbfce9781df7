"""Default tolerances: those of ``torch.testing.assert_close``, per dtype.

A test that needs looser ones passes ``rtol``/``atol`` and says why in a comment.
"""

from __future__ import annotations

import torch

_DEFAULTS = {
    torch.float16: (1e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
    torch.float32: (1.3e-6, 1e-5),
    torch.float64: (1e-7, 1e-7),
    torch.complex64: (1.3e-6, 1e-5),
    torch.complex128: (1e-7, 1e-7),
}


def default_tolerances(dtype: torch.dtype) -> tuple[float, float]:
    """``(rtol, atol)`` for ``dtype``; exact (0, 0) for integer and bool tensors."""
    return _DEFAULTS.get(dtype, (0.0, 0.0))
