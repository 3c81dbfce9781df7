"""Sandboxed autograder for a Transformer and frontier deep-learning course.

Packages, one per concern:

- ``submission``: turning a student's file (script or notebook, any encoding) into code to run.
- ``sandbox``: the warm fork server and the isolated child that runs student code.
- ``judge``: the pytest plugin that runs a hidden suite in the grader's own process.
- ``checks``: what hidden suites are written with (closeness, shapes, gradients, convergence...).
- ``results``: the results document (Gradescope's ``results.json`` plus our ``extra_data``).
- ``release``: student templates and notebooks generated from the reference.
- ``commands``: the ``autograder`` command line.
- ``suites``: the hidden grading suite of each assignment.
"""

__version__ = "0.1.0"
