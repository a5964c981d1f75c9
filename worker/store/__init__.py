"""Storage adapter: SQLAlchemy models and the functions that read and write them.

The only package that imports SQLAlchemy or Alembic, and the only one that sees an ORM object
or writes SQL: what leaves it is a domain value or one of its own frozen views
(``StoredArticle``, ``FeedView``, ``DeadLetterView``, ...), and its failures are
``StoreUnavailableError`` and ``StoreConflictError``. SQLite is the embedded default,
PostgreSQL the production database; both run the same code and the same migrations. May
import the bottom layer (domain, messages, events, errors); never the queue, the outbound
side, Redis or HTTP. ``queries`` holds the read-only views for people (``stats``, ``export``,
and the coming query API).
"""
