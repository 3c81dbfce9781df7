"""``python -m autograder.student [PATH]``: the same as ``autograder check``."""

import sys

from autograder.student.cli import main

if __name__ == "__main__":
    sys.exit(main())
