"""Fitting into the tools courses already run.

- ``gradescope_package``: the ``autograder.zip`` a Gradescope programming assignment runs
  (``autograder gradescope ASSIGNMENT``);
- ``gradescope_run``: what its ``run_autograder`` runs in Gradescope's container.

nbgrader's cell metadata is written with the released notebooks (:mod:`autograder.release.nbgrader`),
nbgrader's ``submitted/`` layout and otter-grader's export zips are read by intake
(:mod:`autograder.intake.nbgrader`, :mod:`autograder.intake.otter`).
"""
