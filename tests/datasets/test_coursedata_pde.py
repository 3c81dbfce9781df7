"""PDE collocation sets: shapes, domains, and exact solutions that really solve their PDE."""

from __future__ import annotations

import pytest
import torch

from coursedata import pde

PROBLEMS = {
    "poisson_1d": (pde.poisson_1d, [(0.0, 1.0)]),
    "poisson_2d": (pde.poisson_2d, [(0.0, 1.0), (0.0, 1.0)]),
    "heat": (pde.heat, [(0.0, 1.0), (0.0, 1.0)]),
    "burgers": (pde.burgers, [(-1.0, 1.0), (0.0, 1.0)]),
}


def grad(u, x):
    return torch.autograd.grad(u.sum(), x, create_graph=True)[0]


def residual(name: str, problem: pde.CollocationSet) -> torch.Tensor:
    """PDE residual of the exact solution at the interior points, computed by autograd in float64."""
    x = problem.x_interior.double().requires_grad_(True)
    p = problem.params
    if name == "poisson_1d":
        u = pde.poisson_1d_solution(x, p["k"])
        return -grad(grad(u, x), x) - problem.source.double()
    if name == "poisson_2d":
        u = pde.poisson_2d_solution(x, p["k"])
        du = grad(u, x)
        laplacian = grad(du[:, 0:1], x)[:, 0:1] + grad(du[:, 1:2], x)[:, 1:2]
        return -laplacian - problem.source.double()
    if name == "heat":
        u = pde.heat_solution(x, p["alpha"], p["k"])
        du = grad(u, x)
        return du[:, 1:2] - p["alpha"] * grad(du[:, 0:1], x)[:, 0:1]
    u = pde.burgers_solution(x, p["nu"], p["amplitude"], p["speed"], p["start"])
    du = grad(u, x)
    return du[:, 1:2] + u * du[:, 0:1] - p["nu"] * grad(du[:, 0:1], x)[:, 0:1]


@pytest.mark.parametrize("name", sorted(PROBLEMS))
class TestProblems:
    def test_exact_solution_satisfies_the_pde(self, name):
        """Is the closed-form solution's autograd residual zero at every collocation point?"""
        problem = PROBLEMS[name][0](seed=0)
        # The source is stored in float32, so allow its rounding error and nothing more.
        assert residual(name, problem).abs().max() < 1e-6 * (1 + problem.source.abs().max())

    def test_points_lie_in_the_domain_and_on_its_boundary(self, name):
        """Are interior points inside the box, boundary points on a spatial edge and initial points at t = 0?"""
        problem = PROBLEMS[name][0](seed=0)
        ranges = PROBLEMS[name][1]
        low = torch.tensor([r[0] for r in ranges])
        high = torch.tensor([r[1] for r in ranges])
        assert ((problem.x_interior >= low) & (problem.x_interior <= high)).all()
        on_edge = (problem.x_boundary == low) | (problem.x_boundary == high)
        spatial = on_edge[:, :1] if problem.coordinates[-1] == "t" else on_edge
        assert spatial.any(dim=1).all()
        if problem.coordinates[-1] == "t":
            assert len(problem.x_initial) > 0 and (problem.x_initial[:, 1] == 0).all()

    def test_shapes_dtypes_and_test_grid(self, name):
        """Are all tensors float32 with matching row counts, and does x_test reshape to the grid?"""
        problem = PROBLEMS[name][0](seed=0)
        d = len(problem.coordinates)
        pairs = [
            ("x_interior", "source"),
            ("x_boundary", "u_boundary"),
            ("x_initial", "u_initial"),
            ("x_test", "u_test"),
        ]
        for points, values in pairs:
            x, u = getattr(problem, points), getattr(problem, values)
            assert x.dtype == u.dtype == torch.float32
            assert x.shape == (len(u), d) and u.shape == (len(x), 1)
        grid = problem.x_test.reshape(*problem.grid_shape, d)
        if d == 2:  # the first coordinate varies along the first grid axis only
            assert torch.equal(grid[:, 0, 0], grid[:, -1, 0])

    def test_boundary_and_test_values_are_the_exact_solution(self, name):
        """Do u_boundary, u_initial and u_test equal the closed-form solution at their points?"""
        problem = PROBLEMS[name][0](seed=0)
        exact = {
            "poisson_1d": lambda x: pde.poisson_1d_solution(x, **problem.params),
            "poisson_2d": lambda x: pde.poisson_2d_solution(x, **problem.params),
            "heat": lambda x: pde.heat_solution(x, problem.params["alpha"], problem.params["k"]),
            "burgers": lambda x: pde.burgers_solution(
                x, *(problem.params[k] for k in ("nu", "amplitude", "speed", "start"))
            ),
        }[name]
        for points, values in (("x_boundary", "u_boundary"), ("x_initial", "u_initial"), ("x_test", "u_test")):
            expected = exact(getattr(problem, points).double()).float()
            torch.testing.assert_close(getattr(problem, values), expected, atol=1e-6, rtol=0)

    def test_sobol_sampling_is_more_even_than_uniform(self, name):
        """Do Sobol points leave smaller empty gaps than i.i.d. uniform ones (the reason to offer them)?"""
        uniform = PROBLEMS[name][0](seed=0).x_interior
        sobol = PROBLEMS[name][0](seed=0, sampling="sobol").x_interior
        gap = lambda x: torch.cdist(x, x).fill_diagonal_(float("inf")).min(dim=1).values.max()  # noqa: E731
        assert gap(sobol) < gap(uniform)


def test_unknown_sampling_raises():
    """Does an unknown sampling scheme raise and name it?"""
    with pytest.raises(ValueError, match="latin"):
        pde.heat(sampling="latin")


def test_burgers_front_moves_at_its_speed():
    """Is the front (u = 1/2) at x = start + speed * t, the Rankine-Hugoniot speed?"""
    t = torch.tensor([[0.0], [0.5], [1.0]])
    front = -0.5 + 0.5 * t
    u = pde.burgers_solution(torch.cat([front, t], dim=1))
    torch.testing.assert_close(u, torch.full_like(u, 0.5))
