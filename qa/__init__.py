"""qa: a text cleanup and translation-quality checker.

Library first: ``check_text`` and ``check_paths`` return ``FileResult`` objects; ``clean_text``
applies safe fixes. The command line (``qa``) is a thin layer over these.
"""

from qa.version import __version__  # noqa: E402
from qa.config import ConfigError, Settings, resolve  # noqa: E402
from qa.api import check_paths, check_text  # noqa: E402
from qa.model import Finding, FileResult, Rule, Severity  # noqa: E402


def clean_text(text: str, settings: Settings | None = None, unsafe: bool = False) -> str:
    """Return ``text`` with the safe (or, with ``unsafe``, all) fixes applied."""
    from qa.clean import clean_text as _clean

    return _clean(text, settings, unsafe=unsafe).text


def to_frame(results, documents: bool = False):  # noqa: ANN001, ANN201 - pandas imported lazily
    """A tidy pandas DataFrame of results: one row per finding (fix columns flattened), or with
    ``documents=True`` one row per document (see ``qa.summary.to_frame``)."""
    from qa.summary import to_frame as _to_frame

    return _to_frame(results, documents)


def load_results(path, documents: bool = False):  # noqa: ANN001, ANN201 - pandas imported lazily
    """Read a JSON Lines or Parquet output back into a pandas DataFrame: the findings table (one
    row per finding), or with ``documents=True`` the documents table (see ``qa.results``)."""
    from qa.results import load_results as _load

    return _load(path, documents)


__all__ = ["ConfigError", "FileResult", "Finding", "Rule", "Settings", "Severity", "__version__",
           "check_paths", "check_text", "clean_text", "load_results", "resolve", "to_frame"]
