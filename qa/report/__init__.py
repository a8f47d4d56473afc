"""Reporters. Each output format is a module with a ``write(results, out, ...)`` function."""
