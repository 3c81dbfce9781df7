"""A local pool of warm worker processes (default: one per core).

Workers are started with ``spawn``, not ``fork``: the grader process has run torch operations
(the reference, comparisons), and a child forked after a multithreaded torch op can deadlock.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from autograder.execution.jobs import GradingJob, JobOutcome, init_worker, run_job


class LocalExecutor:
    def __init__(self, workers: int | None = None, progress=None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.progress = progress

    def run(self, jobs: list[GradingJob], on_outcome) -> None:
        pending = list(jobs)
        retried: set[int] = set()
        while pending:
            pending = self._run_pool(pending, on_outcome, retried)

    def _run_pool(self, jobs: list[GradingJob], on_outcome, retried: set[int]) -> list[GradingJob]:
        """Run until done or until the pool breaks; return the jobs still to do."""
        context = multiprocessing.get_context("spawn")
        queue = list(jobs)
        running = {}
        with ProcessPoolExecutor(self.workers, mp_context=context, initializer=init_worker) as pool:
            try:
                while queue or running:
                    while queue and len(running) < self.workers:
                        job = queue.pop(0)
                        running[pool.submit(run_job, job)] = job
                        self._tick(len(running))
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        job = running.pop(future)
                        on_outcome(future.result())
                        self._tick(len(running))
            except BrokenProcessPool:
                # A worker died (killed from outside, or out of memory in the grader itself).
                # Retry the jobs it held once; a job that breaks the pool twice is reported.
                lost = list(running.values())
                for job in lost:
                    if job.attempt_id in retried:
                        on_outcome(JobOutcome(job.attempt_id, job.assignment, job.student_id, None,
                                              "a grading worker died twice on this submission", "", 0.0))
                    else:
                        retried.add(job.attempt_id)
                        queue.insert(0, job)
                return queue
        return []

    def _tick(self, running: int) -> None:
        if self.progress is not None:
            self.progress.running(running)
