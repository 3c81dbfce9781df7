"""The checker students run: an assignment's public tests on their own file, in the sandbox.

In a terminal, in the assignment folder: ``autograder check`` (or ``python -m autograder check``
in an unzipped bundle). In the notebook::

    from autograder.student import check
    check()

Nothing here needs the hidden material (reference, hidden suites): a student's bundle carries
this package, the sandbox and the submission loader, and nothing else of the grader.

Modules: ``assignment_folder`` (the public settings, the file to check), ``functions`` (what the
template asks for, what is still TODO), ``checking`` (one check, step by step), ``sandboxed``
and ``plain_process`` (where the tests run), ``forkserver`` (the sandbox's fork server with
pytest preloaded), ``child_runner`` (pytest inside the process that holds the student's code),
``report``, ``hints`` and ``render`` (what the student reads), ``notebook`` (``check()``),
``cli`` (the command).
"""

from __future__ import annotations


def check(path=None, *, details: bool = False):
    """Run the public tests on the saved notebook (or ``path``) and show the table; see
    :func:`autograder.student.notebook.check`."""
    from autograder.student.notebook import check as check_in_notebook

    return check_in_notebook(path, details=details)


__all__ = ["check"]
