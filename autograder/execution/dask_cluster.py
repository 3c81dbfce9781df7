"""Grading on a ``dask.distributed`` cluster: the scheduler address is the only new setting.

Each Dask worker process keeps its own warm fork server (see ``jobs.warm_server``). Workers must
see this repository at the same path (a shared file system, or the same image) and should run one
thread each (``--nthreads 1``): pytest is not thread-safe. On Slurm or Kubernetes, start the
scheduler and workers with dask-jobqueue or dask-kubernetes and pass the scheduler's address.
"""

from __future__ import annotations

from autograder.execution.jobs import GradingJob, run_job


class DaskExecutor:
    def __init__(self, scheduler: str | None = None, workers: int | None = None, progress=None, client=None):
        from dask.distributed import Client

        if client is None and not scheduler:
            raise ValueError("the dask executor needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
        self.client = client or Client(scheduler)
        self.progress = progress

    def run(self, jobs: list[GradingJob], on_outcome) -> None:
        from dask.distributed import as_completed

        if not jobs:
            return
        futures = self.client.map(run_job, jobs, pure=False)
        if self.progress is not None:
            self.progress.running(len(futures))
        for future in as_completed(futures):
            on_outcome(future.result())
