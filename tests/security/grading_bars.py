"""What the attack corpus checks after every grading: scores per function, all the messages, and a
census of the processes a fork server started.
"""

from __future__ import annotations

import os
from collections import defaultdict

from autograder.sandbox.environment import MARKER
from autograder.sandbox.isolation import Limits

ASSIGNMENT_ID = "ch01_attention"
FAST = Limits(call_timeout=1, load_timeout=3)
"""Limits for attacks that hang: a timeout costs one second per test, not ten."""


def sandbox_processes(server_pid: int, expected: frozenset[int] = frozenset()) -> list[str]:
    """Live processes started by the fork server ``server_pid`` (not it, nor ``expected``): tagged
    with its marker in their environment block, or descended from it. Each as ``pid: command``."""
    tag = f"{MARKER}={server_pid}".encode()
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as handle:
                parents[int(entry)] = int(next(line for line in handle if line.startswith("PPid:")).split()[1])
        except (OSError, StopIteration, ValueError):
            continue
    found = []
    for pid in parents:
        if pid == server_pid or pid in expected:
            continue
        ancestor, descended = parents.get(pid), False
        for _ in range(64):
            if ancestor in (None, 0, 1):
                break
            if ancestor == server_pid:
                descended = True
                break
            ancestor = parents.get(ancestor)
        try:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                tagged = tag in handle.read()
        except OSError:
            tagged = False
        if descended or tagged:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as handle:
                    command = handle.read().replace(b"\0", b" ").decode(errors="replace")[:120]
            except OSError:
                command = "?"
            found.append(f"{pid}: {command}")
    return found


def scores(results: dict) -> dict[str, tuple[float, float]]:
    """``function -> (score, max_score)`` of a results document."""
    total: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for test in results["tests"]:
        entry = total[test["extra_data"]["function"]]
        entry[0] += test["score"]
        entry[1] += test["max_score"]
    return {name: (score, maximum) for name, (score, maximum) in total.items()}


def outputs(results: dict) -> str:
    return "\n".join([results["output"]] + [t["output"] for t in results["tests"]]
                     + results["extra_data"]["load_messages"])
