"""A progress line for grading runs: done, failed, running, ETA."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, stream=None):
        self.total = total
        self.done = 0
        self.failed = 0
        self.in_flight = 0
        self.started = time.monotonic()
        self.stream = stream or sys.stderr
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last = 0.0

    def running(self, count: int) -> None:
        self.in_flight = count
        self._show()

    def finished(self, failed: bool) -> None:
        self.done += 1
        self.failed += int(failed)
        self._show(force=not self.interactive)

    def _show(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.2 and self.done < self.total:
            return
        self._last = now
        elapsed = now - self.started
        eta = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        eta_text = "--" if eta != eta else f"{int(eta // 60)}m{int(eta % 60):02d}s"
        width = 24
        filled = int(width * self.done / self.total) if self.total else width
        line = (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} done, {self.failed} failed, "
                f"{self.in_flight} running, ETA {eta_text}")
        self.stream.write(("\r" + line) if self.interactive else line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.interactive:
            self.stream.write("\n")
