"""The one runner behind ``qa check``, ``qa baseline``, ``qa clean``, ``qa review``, the HTML report
and the library (``qa.check_paths``, ``qa.check_text``).

* ``qa.runner.pipeline``: ``run`` (paths) and ``run_records`` (documents): reading, sharding, the
  serial path, and the choice of engine (local processes or Dask);
* ``qa.runner.options``: ``RunOptions``, ``RunStats``;
* ``qa.runner.shard``: ``--shard I/N``;
* ``qa.runner.checker``: the ``Checker`` (one per process: rules, cache, timing) and what it gives;
* ``qa.runner.corpus``: the corpus phase (``collect`` / ``finalize``), spooled to temporary files;
* ``qa.runner.pool``: the local worker pool;
* ``qa.runner.meter``: input bytes done and in all, for the progress bar;
* ``qa.runner.terminal``: JSON Lines as results arrive, the progress bar, run statistics.

This package's ``__init__`` imports nothing, so that ``qa.dask_engine`` (which the pipeline
uses) can import the checker without a cycle.
"""
