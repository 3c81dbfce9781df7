"""Collocation sets for physics-informed networks, each with a closed-form solution.

Every problem returns a ``CollocationSet``: interior points (with the PDE's source term there),
boundary points and, for time-dependent problems, initial points (with the exact values), plus
a regular test grid with the exact solution for the relative L2 error. The exact solutions are
also exposed as differentiable torch functions (``*_solution``), so a test can check that they
satisfy the PDE by autograd.

Coordinates are columns: ``(x,)``, ``(x, y)`` or ``(x, t)``. All returned tensors are float32.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial

import torch
from torch import Tensor

SAMPLINGS = ("uniform", "sobol")


@dataclass
class CollocationSet:
    """Training and test points of one PDE problem with ``d`` coordinates.

    Attributes:
        name (str): the problem, e.g. ``"heat"``.
        coordinates (tuple[str, ...]): column names, e.g. ``("x", "t")``.
        x_interior (Tensor[N_f, d]): collocation points strictly inside the domain.
        source (Tensor[N_f, 1]): the right-hand side ``f`` at those points (zeros when none).
        x_boundary (Tensor[N_b, d]): points on the spatial boundary.
        u_boundary (Tensor[N_b, 1]): exact solution there (the Dirichlet data).
        x_initial (Tensor[N_0, d]): points at ``t = 0``; ``N_0 = 0`` for steady problems.
        u_initial (Tensor[N_0, 1]): exact solution there (the initial condition).
        x_test (Tensor[N_t, d]): a regular grid; ``x_test.reshape(*grid_shape, d)`` indexes it
            as ``[i, j]`` = (i-th value of the first coordinate, j-th of the second).
        u_test (Tensor[N_t, 1]): exact solution on the grid.
        grid_shape (tuple[int, ...]): points per coordinate of the test grid.
        params (dict[str, float]): the problem's constants (``k``, ``alpha``, ``nu``, ...).
    """

    name: str
    coordinates: tuple[str, ...]
    x_interior: Tensor
    source: Tensor
    x_boundary: Tensor
    u_boundary: Tensor
    x_initial: Tensor
    u_initial: Tensor
    x_test: Tensor
    u_test: Tensor
    grid_shape: tuple[int, ...]
    params: dict[str, float] = field(default_factory=dict)


# ----------------------------------------------------------------------------- exact solutions


def poisson_1d_solution(x: Tensor, k: int = 1) -> Tensor:
    """Return ``u(x) = sin(k pi x)``, which solves ``-u'' = (k pi)^2 sin(k pi x)``, ``u(0) = u(1) = 0``.

    Args:
        x (Tensor[N, 1]): points.
        k (int): frequency.

    Returns:
        Tensor[N, 1]: same dtype as ``x``.
    """
    return torch.sin(k * math.pi * x)


def poisson_2d_solution(xy: Tensor, k: int = 1) -> Tensor:
    """Return ``u = sin(k pi x) sin(k pi y)``, solving ``-(u_xx + u_yy) = 2 (k pi)^2 u``, 0 on the edges.

    Args:
        xy (Tensor[N, 2]): points ``(x, y)`` in the unit square.
        k (int): frequency.

    Returns:
        Tensor[N, 1].
    """
    return torch.sin(k * math.pi * xy[:, :1]) * torch.sin(k * math.pi * xy[:, 1:2])


def heat_solution(xt: Tensor, alpha: float = 0.1, k: int = 1) -> Tensor:
    """Return ``u = exp(-alpha (k pi)^2 t) sin(k pi x)``, solving ``u_t = alpha u_xx``, 0 at ``x = 0, 1``.

    Args:
        xt (Tensor[N, 2]): points ``(x, t)``.
        alpha (float): diffusivity.
        k (int): frequency of the initial condition ``sin(k pi x)``.

    Returns:
        Tensor[N, 1].
    """
    x, t = xt[:, :1], xt[:, 1:2]
    return torch.exp(-alpha * (k * math.pi) ** 2 * t) * torch.sin(k * math.pi * x)


def burgers_solution(
    xt: Tensor, nu: float = 0.02, amplitude: float = 0.5, speed: float = 0.5, start: float = -0.5
) -> Tensor:
    """Return the travelling viscous front ``u = speed - amplitude tanh(amplitude (x - start - speed t) / (2 nu))``.

    It solves viscous Burgers ``u_t + u u_x = nu u_xx`` exactly: a smoothed step from
    ``speed + amplitude`` (left) to ``speed - amplitude`` (right), of width about
    ``2 nu / amplitude``, moving right at ``speed`` (the Rankine-Hugoniot speed) from ``x = start``.
    (The popular ``u(x, 0) = -sin(pi x)`` benchmark has no closed form; this one does.)

    Args:
        xt (Tensor[N, 2]): points ``(x, t)``.
        nu (float): viscosity, > 0.
        amplitude (float): half the jump.
        speed (float): front speed, also the mean of the two states.
        start (float): front position at ``t = 0``.

    Returns:
        Tensor[N, 1].
    """
    x, t = xt[:, :1], xt[:, 1:2]
    return speed - amplitude * torch.tanh(amplitude * (x - start - speed * t) / (2.0 * nu))


# ----------------------------------------------------------------------------- problems


def poisson_1d(num_interior: int = 256, seed: int = 0, k: int = 1, sampling: str = "uniform") -> CollocationSet:
    """Return ``-u''(x) = (k pi)^2 sin(k pi x)`` on ``(0, 1)`` with ``u(0) = u(1) = 0``.

    Args:
        num_interior (int): collocation points ``N_f``.
        seed (int): seed of the sampling.
        k (int): frequency of the solution ``sin(k pi x)``.
        sampling (str): ``"uniform"`` (i.i.d.) or ``"sobol"`` (scrambled low-discrepancy).

    Returns:
        CollocationSet: coordinates ``("x",)``; boundary = the 2 end points; 201 test points.
    """
    x = _sample(num_interior, [(0.0, 1.0)], seed, sampling)
    x_boundary = torch.tensor([[0.0], [1.0]], dtype=torch.float64)
    x_test = torch.linspace(0.0, 1.0, 201, dtype=torch.float64)[:, None]
    exact = partial(poisson_1d_solution, k=k)
    source = (k * math.pi) ** 2 * exact(x)
    return _collocation_set(
        "poisson_1d", ("x",), x, source, x_boundary, _empty(1), x_test, (201,), exact, {"k": k}, True
    )


def poisson_2d(
    num_interior: int = 1024, num_boundary: int = 256, seed: int = 0, k: int = 1, sampling: str = "uniform"
) -> CollocationSet:
    """Return ``-(u_xx + u_yy) = 2 (k pi)^2 sin(k pi x) sin(k pi y)`` on the unit square, ``u = 0`` on its edges.

    Args:
        num_interior (int): collocation points ``N_f``.
        num_boundary (int): boundary points ``N_b``, spread uniformly over the four edges.
        seed (int): seed of the sampling.
        k (int): frequency of the solution ``sin(k pi x) sin(k pi y)``.
        sampling (str): ``"uniform"`` or ``"sobol"``.

    Returns:
        CollocationSet: coordinates ``("x", "y")``; a 51 x 51 test grid.
    """
    xy = _sample(num_interior, [(0.0, 1.0), (0.0, 1.0)], seed, sampling)
    boundary = _square_edges(num_boundary, seed)
    x_test = _grid([(0.0, 1.0, 51), (0.0, 1.0, 51)])
    exact = partial(poisson_2d_solution, k=k)
    source = 2 * (k * math.pi) ** 2 * exact(xy)
    return _collocation_set(
        "poisson_2d", ("x", "y"), xy, source, boundary, _empty(2), x_test, (51, 51), exact, {"k": k}, True
    )


def heat(
    num_interior: int = 1024,
    num_boundary: int = 128,
    num_initial: int = 128,
    seed: int = 0,
    alpha: float = 0.1,
    k: int = 1,
    t_max: float = 1.0,
    sampling: str = "uniform",
) -> CollocationSet:
    """Return the heat equation ``u_t = alpha u_xx`` on ``x in (0, 1), t in (0, t_max]``.

    Boundary ``u(0, t) = u(1, t) = 0``, initial ``u(x, 0) = sin(k pi x)``; the exact solution is
    ``heat_solution``. The source is zero.

    Args:
        num_interior (int): collocation points ``N_f``.
        num_boundary (int): points on ``x = 0`` and ``x = 1`` (half each), ``t`` uniform.
        num_initial (int): points on ``t = 0``.
        seed (int): seed of the sampling.
        alpha (float): diffusivity.
        k (int): frequency of the initial condition.
        t_max (float): final time.
        sampling (str): ``"uniform"`` or ``"sobol"``.

    Returns:
        CollocationSet: coordinates ``("x", "t")``; a 101 (x) by 51 (t) test grid.
    """
    exact = partial(heat_solution, alpha=alpha, k=k)
    params = {"alpha": alpha, "k": k, "t_max": t_max}
    counts = (num_interior, num_boundary, num_initial)
    return _space_time_problem("heat", exact, (0.0, 1.0), t_max, counts, seed, sampling, params, True)


def burgers(
    num_interior: int = 2048,
    num_boundary: int = 128,
    num_initial: int = 256,
    seed: int = 0,
    nu: float = 0.02,
    amplitude: float = 0.5,
    speed: float = 0.5,
    start: float = -0.5,
    t_max: float = 1.0,
    sampling: str = "uniform",
) -> CollocationSet:
    """Return viscous Burgers ``u_t + u u_x = nu u_xx`` on ``x in (-1, 1), t in (0, t_max]``.

    Initial and boundary data are those of the exact travelling front ``burgers_solution``
    (a step from 1 to 0 moving right at speed 1/2 with the defaults). The source is zero.

    Args:
        num_interior (int): collocation points ``N_f``.
        num_boundary (int): points on ``x = -1`` and ``x = 1`` (half each).
        num_initial (int): points on ``t = 0``.
        seed (int): seed of the sampling.
        nu (float): viscosity; smaller is steeper and harder.
        amplitude, speed, start (float): shape of the front, see ``burgers_solution``.
        t_max (float): final time.
        sampling (str): ``"uniform"`` or ``"sobol"``.

    Returns:
        CollocationSet: coordinates ``("x", "t")``; a 101 (x) by 51 (t) test grid.
    """
    if nu <= 0:
        raise ValueError(f"nu must be > 0, got {nu}")
    exact = partial(burgers_solution, nu=nu, amplitude=amplitude, speed=speed, start=start)
    params = {"nu": nu, "amplitude": amplitude, "speed": speed, "start": start, "t_max": t_max}
    counts = (num_interior, num_boundary, num_initial)
    return _space_time_problem("burgers", exact, (-1.0, 1.0), t_max, counts, seed, sampling, params, False)


# ----------------------------------------------------------------------------- sampling helpers


def _space_time_problem(name, exact, x_range, t_max, counts, seed, sampling, params, zero_boundary):
    """Sample a problem on ``x_range x (0, t_max]`` with Dirichlet edges and an initial line."""
    num_interior, num_boundary, num_initial = counts
    low, high = x_range
    xt = _sample(num_interior, [(low, high), (0.0, t_max)], seed, sampling)
    generator = torch.Generator().manual_seed(seed + 1)  # separate stream: N_f does not move these
    t_edge = t_max * torch.rand(num_boundary, 1, generator=generator, dtype=torch.float64)
    x_edge = torch.where(torch.arange(num_boundary)[:, None] % 2 == 0, low, high).double()
    x_zero = low + (high - low) * torch.rand(num_initial, 1, generator=generator, dtype=torch.float64)
    initial = torch.cat([x_zero, torch.zeros_like(x_zero)], dim=1)
    x_test = _grid([(low, high, 101), (0.0, t_max, 51)])
    boundary = torch.cat([x_edge, t_edge], dim=1)
    source = torch.zeros(num_interior, 1, dtype=torch.float64)
    return _collocation_set(
        name, ("x", "t"), xt, source, boundary, initial, x_test, (101, 51), exact, params, zero_boundary
    )


def _collocation_set(
    name, coordinates, interior, source, boundary, initial, x_test, grid_shape, exact, params, zero_boundary
):
    # Computed in float64 and rounded once, so the float32 targets are as exact as float32 allows.
    # Zero Dirichlet data is written as exact zeros: sin(pi) is 1.2e-16 in floating point.
    u_boundary = torch.zeros(len(boundary), 1) if zero_boundary else exact(boundary).float()
    return CollocationSet(
        name=name,
        coordinates=coordinates,
        x_interior=interior.float(),
        source=source.float(),
        x_boundary=boundary.float(),
        u_boundary=u_boundary,
        x_initial=initial.float(),
        u_initial=exact(initial).float(),
        x_test=x_test.float(),
        u_test=exact(x_test).float(),
        grid_shape=grid_shape,
        params=dict(params),
    )


def _sample(num_points: int, ranges: list[tuple[float, float]], seed: int, sampling: str) -> Tensor:
    """Draw ``num_points`` points in the box ``ranges``, float64 (num_points, len(ranges))."""
    if sampling not in SAMPLINGS:
        raise ValueError(f"sampling must be one of {SAMPLINGS}, got {sampling!r}")
    if num_points < 1:
        raise ValueError(f"need at least one interior point, got {num_points}")
    dim = len(ranges)
    if sampling == "sobol":
        unit = torch.quasirandom.SobolEngine(dim, scramble=True, seed=seed).draw(num_points, dtype=torch.float64)
    else:
        unit = torch.rand(num_points, dim, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    low = torch.tensor([r[0] for r in ranges], dtype=torch.float64)
    high = torch.tensor([r[1] for r in ranges], dtype=torch.float64)
    return low + unit * (high - low)


def _square_edges(num_points: int, seed: int) -> Tensor:
    """Points spread over the four edges of the unit square, float64 (num_points, 2)."""
    generator = torch.Generator().manual_seed(seed + 1)
    along = torch.rand(num_points, generator=generator, dtype=torch.float64)
    edge = torch.arange(num_points) % 4  # 0: y = 0, 1: x = 1, 2: y = 1, 3: x = 0
    x = torch.where(edge == 0, along, torch.where(edge == 1, 1.0, torch.where(edge == 2, along, 0.0)))
    y = torch.where(edge == 0, 0.0, torch.where(edge == 1, along, torch.where(edge == 2, 1.0, along)))
    return torch.stack([x, y], dim=1).double()


def _grid(axes: list[tuple[float, float, int]]) -> Tensor:
    lines = [torch.linspace(low, high, n, dtype=torch.float64) for low, high, n in axes]
    mesh = torch.meshgrid(*lines, indexing="ij")
    return torch.stack([m.reshape(-1) for m in mesh], dim=1)


def _empty(dim: int) -> Tensor:
    return torch.zeros(0, dim, dtype=torch.float64)
