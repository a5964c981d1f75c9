"""Operations: what an operator sees of the service: logs, figures, metrics and health.

Everything here observes the pipeline from outside (the database, Redis, log records) and
changes nothing in it, so it can run in any process: the CLI, the workers, the metrics server.
"""
