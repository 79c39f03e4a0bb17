"""The native runner behind ``manage_all.py`` (repository tooling, not part of any service
image): infrastructure, processes, scheduled jobs, commands."""


class RunnerError(Exception):
    """A failure the runner reports as one line and a non-zero exit."""
