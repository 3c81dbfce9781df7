"""Gradient checks: the student's autograd gradients against the reference's.

Both sides backpropagate the same random ``grad_output`` (a fixed seed) from the same output.
A random cotangent, not ones, so that a gradient that is right only for ``sum()`` still fails.
"""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.compare import compare
from autograder.checks.failure import CheckFailure
from autograder.checks.outputs import _clone
from autograder.judge.describe import describe_call


def gradients_match(student_fn, reference_fn, args: tuple, kwargs: dict | None = None, *, wrt: tuple[int, ...],
                    output: int | None = None, arg_names: tuple[str, ...] = (), params: bool = False,
                    rtol: float | None = None, atol: float | None = None, seed: int = 0) -> None:
    """Fail unless the gradients with respect to arguments ``wrt`` (and, with ``params``, the
    module's parameters) agree with the reference's."""
    kwargs = kwargs or {}
    ref_args = list(_clone(args))
    for i in wrt:
        ref_args[i] = ref_args[i].detach().clone().requires_grad_(True)
    target = getattr(reference_fn, "obj", reference_fn)
    if params:
        target.zero_grad(set_to_none=True)
    torch.manual_seed(seed)
    out = reference_fn(*ref_args, **_clone(kwargs))
    selected = out[output] if output is not None else out
    generator = torch.Generator().manual_seed(1234 + seed)
    grad_output = torch.randn(selected.shape, generator=generator, dtype=selected.dtype)
    selected.backward(grad_output)
    expected_inputs = [ref_args[i].grad for i in wrt]
    label = getattr(student_fn, "label", "your function")
    what = describe_call(label, args, kwargs)
    got = student_fn.backward(args, kwargs, wrt=wrt, grad_output=grad_output, output=output, seed=seed)
    problem = compare(got["output"], selected.detach(), path="output", rtol=rtol, atol=atol)
    if problem:
        raise CheckFailure(f"{what}: before comparing gradients, the output differs: {problem}")
    for position, i in enumerate(wrt):
        name = arg_names[position] if position < len(arg_names) else f"argument {i}"
        got_grad = got["input_grads"][position]
        if got_grad is None:
            raise CheckFailure(f"{what}: no gradient reached {name}; the output is cut off from it "
                               "(.detach(), .data, .item(), numpy, or a new tensor built from its values?)")
        problem = compare(got_grad, expected_inputs[position], path=f"gradient with respect to {name}", rtol=rtol,
                          atol=atol)
        if problem:
            raise CheckFailure(f"{what}: {problem}")
    if params:
        expected_params = {n: p.grad for n, p in target.named_parameters()}
        got_params = got.get("param_grads", {})
        for name, expected in expected_params.items():
            if got_params.get(name) is None and expected is not None:
                raise CheckFailure(f"{what}: parameter {name} received no gradient")
            problem = compare(got_params.get(name), expected, path=f"gradient of parameter {name}", rtol=rtol,
                              atol=atol)
            if problem:
                raise CheckFailure(f"{what}: {problem}")


__all__ = ["gradients_match", "Any"]
