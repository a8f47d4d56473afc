"""Code-defined rules, one module per family. Importing this package registers them."""

from qa.checks import metadata, punctuation, whitespace  # noqa: F401
