"""`python -m autograd EXPRESSION name=value ...`: see autograd.views.cli."""

import sys

from autograd.views.cli import main

sys.exit(main())
