"""`python -m autograd.exercises`: practise in the terminal, or write worksheets (see terminal.py)."""

import sys

from autograd.exercises.terminal import main

sys.exit(main())
