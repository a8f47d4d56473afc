"""The version of qa (one place: the package, the cache key, SARIF and ``qa --version`` read it)."""

__version__ = "0.1.0"
