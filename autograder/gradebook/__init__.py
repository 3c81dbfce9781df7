"""The gradebook: a SQLite database of attempts, gradings, hand-graded scores and their audit.

Split by what it stores: ``store`` (connection, schema, transactions), ``attempts``,
``gradings``, ``manual`` (hand-graded scores and the audit trail) and ``final`` (the table of
final grades everything downstream reads).
"""

from autograder.gradebook.store import Gradebook, open_gradebook

__all__ = ["Gradebook", "open_gradebook"]
