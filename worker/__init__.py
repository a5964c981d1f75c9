"""commitwatch: watches news feeds for what governments and alliances commit to.

The flow is the layout (README, "Architecture"):

    intake (poller, submissions) → pipeline (dispatch, processing) → store → outbound (stream,
    sinks), with ``feeds`` (fetch, parse, schedule) and ``extract`` (pure) as the cores the
    intake and the pipeline call, ``queue`` (Celery) carrying work between processes,
    ``runtime`` building it all once per process, and ``cli`` and ``ops`` on top.

The modules directly in this package are the bottom layer every other package may import:
``domain`` (values, the clock), ``messages`` and ``events`` (the message contracts, pure),
``errors``, ``defaults``, ``config``, ``logs``, ``redact``, ``backoff``. They import no
package of the service. pyproject.toml's import-linter contracts hold every one of these lines.
"""

__version__ = "0.1.0"
