"""Operations: the figures an operator reads: ``stats``, ``/metrics`` and ``/healthz``.

Everything here reads the pipeline from outside (the database through the store, the queue's
depth in Redis) and changes nothing in it, so it can run in any process: the CLI, the metrics
server. Logging and secret masking are not here but at the bottom (``worker.logs``,
``worker.redact``), so the services that log never climb into ops. May import the store, the
queue's depth reader and the bottom modules; nothing imports ops but the command line.
"""
