"""Exceptions that the command line reports as plain messages (no traceback)."""


class LavaAptnError(Exception):
    """Base class of the library's user-facing errors; the message names the fix."""


class DataError(LavaAptnError):
    """A dataset is missing, unreadable, or fails its checksum."""


class ConfigError(LavaAptnError, ValueError):
    """A configuration value is out of range or of the wrong type."""
