"""`python -m autograd EXPRESSION name=value ...`: see autograd.cli."""

import sys

from autograd.cli import main

sys.exit(main())
