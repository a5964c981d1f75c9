"""The composition root: the one place that builds the adapters from the settings.

``wiring.Runtime`` builds the database, Redis client, extractor, Celery app and ``Dispatch``
once per process and hands each service its own settings section; ``daemon`` (the deployed
poller), ``embedded`` (``commitwatch run``) and ``inline`` (in-process dispatch) run on it.
May import every layer below; only the command line imports it.
"""
