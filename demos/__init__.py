"""Classroom demos, one module per idea: `python -m demos.<name>`."""
