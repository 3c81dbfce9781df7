"""``autograder`` / ``python -m autograder``: see :mod:`autograder.commands`."""

import sys

from autograder.commands import main

if __name__ == "__main__":
    sys.exit(main())
