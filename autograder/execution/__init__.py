"""Running grading jobs: a local pool of warm workers, or a Dask cluster, behind one interface.

An executor has one method, ``run(jobs, on_outcome)``: it grades every job and calls
``on_outcome`` (in the calling process) with each :class:`JobOutcome` as it arrives.
"""

from autograder.execution.jobs import GradingJob, JobOutcome, run_job

EXECUTORS = {
    "local": "autograder.execution.local:LocalExecutor",
    "dask": "autograder.execution.dask_cluster:DaskExecutor",
}


def make_executor(name: str, **options):
    """Build the executor registered as ``name`` (imported only when used)."""
    import importlib

    if name not in EXECUTORS:
        raise ValueError(f"unknown executor {name!r} (choose from {', '.join(EXECUTORS)})")
    module, cls = EXECUTORS[name].split(":")
    return getattr(importlib.import_module(module), cls)(**options)


__all__ = ["EXECUTORS", "GradingJob", "JobOutcome", "make_executor", "run_job"]
