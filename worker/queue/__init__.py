"""Queue adapter: the Celery app and its thin tasks. The only package that imports Celery."""
