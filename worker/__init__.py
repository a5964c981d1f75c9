"""commitwatch: watches news feeds for what governments and alliances commit to.

The flow is the layout: ``feeds`` (fetch, parse, schedule) → ``queue`` (Celery app and thin
tasks) → ``extract`` (pure) → ``store`` (SQLAlchemy). ``domain`` holds the values they pass.
"""

__version__ = "0.1.0"
