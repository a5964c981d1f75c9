"""Queue adapter: the Celery app, its thin tasks, the queue's ``Dispatch`` and its depth.

The only package that imports Celery or kombu. The tasks run the ``TaskServices`` the runtime
gives them and know only the ``[queue]`` section. May import the pipeline, the store and the
bottom layer; only the runtime builds the app, and ops reads the depth.
"""
