"""Shared fixtures of the project's own tests."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from autograder.assignment import load_assignment
from autograder.judge.runner import grade_submission
from autograder.sandbox.session import ForkServer
from autograder.submission import load_submission_bytes


def pytest_collection_modifyitems(config, items):
    if not torch.cuda.is_available():
        skip = pytest.mark.skip(reason="needs a CUDA GPU")
        for item in items:
            if "cuda" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def fork_server():
    """One warm fork server for the whole test run, as a grading worker would have."""
    with ForkServer() as server:
        yield server


@pytest.fixture(scope="session")
def grade(fork_server):
    """grade(assignment_id, source, name=None, only=None, limits=None) -> results document."""

    def grade_source(assignment_id: str, source: str | bytes, name: str | None = None, only=None,
                     limits=None) -> dict:
        assignment = load_assignment(assignment_id)
        if limits is not None:
            assignment = dataclasses.replace(assignment, limits=limits)
        data = source.encode() if isinstance(source, str) else source
        submission = load_submission_bytes(name or f"{assignment.module}.py", data, keep=assignment.keep)
        return grade_submission(assignment, submission=submission, server=fork_server, only=only)

    return grade_source
