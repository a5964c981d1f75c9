"""Storage adapter: SQLAlchemy models and the functions that read and write them.

The only package that imports SQLAlchemy. SQLite is the embedded default, PostgreSQL the
production database; both run the same code and the same Alembic migrations.
"""
