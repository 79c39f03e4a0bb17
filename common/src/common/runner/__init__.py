"""The native runner behind ``manage_all.py``: infrastructure, processes, commands."""


class RunnerError(Exception):
    """A failure the runner reports as one line and a non-zero exit."""
