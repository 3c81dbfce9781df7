"""``make bench``: how fast grading is, measured, and compared with otter-grader and nbgrader.

- ``class_bench``: a synthetic class graded with one and two local workers, per-submission wall
  time, peak memory per worker and fork server, and an immediate incremental re-run;
- ``budgets``: each assignment's hidden suite grading its reference on one worker (budget 60 s);
- ``tools_bench``: one one-question notebook graded by ``otter run``, ``nbgrader autograde`` and
  this grader in the same run, as ratios.

Every figure is printed and written to ``grading_reports/bench.json``.
"""
