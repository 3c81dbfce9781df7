"""Seeded inputs for hidden suites: every tensor a test builds comes from here, reproducibly."""

from __future__ import annotations

import torch


def randn(*shape: int, seed: int = 0, dtype: torch.dtype = torch.float32, scale: float = 1.0) -> torch.Tensor:
    """Standard normal values (times ``scale``) from a private generator seeded with ``seed``."""
    generator = torch.Generator().manual_seed(seed)
    return (torch.randn(*shape, generator=generator, dtype=torch.float64) * scale).to(dtype)


def randint(low: int, high: int, *shape: int, seed: int = 0) -> torch.Tensor:
    """Integers in ``[low, high)`` as int64, from a private generator seeded with ``seed``."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(low, high, shape, generator=generator)


def random_mask(*shape: int, seed: int = 0, p: float = 0.7) -> torch.Tensor:
    """A bool tensor, True with probability ``p``."""
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(*shape, generator=generator) < p


def copy_weights(student_module, reference_module) -> None:
    """Load the reference module's weights into the student's module (same parameter names)."""
    student_module.load_state_dict(reference_module.state_dict())


def twin_modules(student, reference, name: str, *args, seed: int = 0, double: bool = False,
                 randomise: tuple[str, ...] = (), **kwargs):
    """``(ours, theirs)``: ``reference.<name>(*args, **kwargs)`` and the student's, built with the
    same arguments, the student's holding the reference's weights.

    ``seed`` fixes the reference's initialisation. ``randomise`` names reference parameters
    redrawn from N(0, 1) first: small initial values (a position embedding, a bias table starting
    near 0, a LayerNorm at 1 and 0) could hide a wrong order or a wrong index. ``double`` turns
    both into float64 (for gradient checks).
    """
    torch.manual_seed(seed)
    ours, theirs = getattr(reference, name)(*args, **kwargs), getattr(student, name)(*args, **kwargs)
    with torch.no_grad():
        for parameter in randomise:
            ours.obj.get_parameter(parameter).normal_()
    if double:
        ours.obj.double()
        theirs.double()
    copy_weights(theirs, ours)
    return ours, theirs
