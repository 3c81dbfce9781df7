"""Reading a student's submission into a list of top-level code chunks to run."""

from autograder.submission.loader import Chunk, Submission, load_submission, load_submission_bytes

__all__ = ["Chunk", "Submission", "load_submission", "load_submission_bytes"]
