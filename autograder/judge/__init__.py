"""Running a hidden suite in the grader's process against student code in the sandbox."""
