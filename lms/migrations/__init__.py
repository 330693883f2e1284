"""Alembic migrations of the LMS database."""
