"""Every loader and generator works with the network cut off (``unshare -n``)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import coursedata

# The folder that holds the coursedata package, for the child's import path.
PACKAGE_PARENT = os.path.dirname(os.path.dirname(coursedata.__file__))

# Builds every package-shipped data set from scratch (fresh cache) and calls every generator.
# The first lines prove the namespace really has no network: only the loopback interface exists.
OFFLINE_SCRIPT = textwrap.dedent(
    """
    import socket
    interfaces = [name for _, name in socket.if_nameindex()]
    if interfaces != ["lo"]:
        raise SystemExit(f"network interfaces {interfaces} are visible: unshare -n did not cut the network")

    import coursedata
    from coursedata import downloads, graphs, images, nas_bench, pde, rl, sequences, shapes_world
    from coursedata import text, timeseries, toy2d

    coursedata.digits(seed=1)
    coursedata.mnist5k(seed=1)
    for name in images.PHOTOS:
        images.photo(name, size=32)
    shapes_world.generate(20, seed=1, allow_overlap=True, noise=0.1)
    sequences.key_value_retrieval(8, seed=1)
    for task in (sequences.copy_task, sequences.reverse_task, sequences.sort_task):
        task(8, 6, 5, seed=1)
    timeseries.multi_seasonal(2, 200, seed=1)
    for problem in (pde.poisson_1d, pde.poisson_2d, pde.heat, pde.burgers):
        problem(seed=1)
    for name in toy2d.SAMPLERS:
        toy2d.sample(name, 50, seed=1)
    graphs.graph_classification(10, seed=1)
    graphs.karate_club("club")
    graphs.karate_club("community")
    nas_bench.benchmark(seed=1)
    text.shakespeare(works=("sonnets",))
    text.names("male")
    for name in rl.ENVIRONMENTS:
        env = rl.make_env(name, seed=1)
        env.reset()
        env.step(env.action_space.sample())
    try:
        downloads.mnist()
    except downloads.DatasetNotDownloadedError:
        pass
    print("OFFLINE-OK")
    """
)


def _unshare_allowed() -> bool:
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=30).returncode == 0
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False


def test_every_loader_and_generator_works_without_network(tmp_path):
    """With no network at all and an empty cache, does every loader and generator still work?"""
    if not _unshare_allowed():
        pytest.skip("`unshare -n` is not permitted here (needs root or user namespaces)")
    env = dict(os.environ)
    env["COURSEDATA_CACHE"] = str(tmp_path / "cache")
    env["COURSEDATA_DOWNLOADS"] = str(tmp_path / "downloads")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE_PARENT, env.get("PYTHONPATH")]))
    result = subprocess.run(
        ["unshare", "-n", sys.executable, "-W", "ignore", "-c", OFFLINE_SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0 and "OFFLINE-OK" in result.stdout, result.stdout[-3000:] + result.stderr[-3000:]
