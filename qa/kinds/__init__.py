"""Built-in pack kinds. Importing this package registers them with ``qa.packs``."""

from qa.kinds import phrases  # noqa: F401
