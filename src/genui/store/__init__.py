"""genui.store: SQLAlchemy 2 async persistence (SQLite by default, PostgreSQL by URL), Alembic migrations."""

from genui.store.conversations import ConversationRecord, ConversationRepository, DuplicateItemError
from genui.store.db import Database
from genui.store.keys import ApiKeyRecord, KeyRepository
from genui.store.pages import Page, UnknownCursor
from genui.store.responses import ResponseRepository
from genui.store.usage import UsageRepository, UsageTotals

__all__ = [
    "ApiKeyRecord",
    "ConversationRecord",
    "ConversationRepository",
    "Database",
    "DuplicateItemError",
    "KeyRepository",
    "Page",
    "ResponseRepository",
    "UnknownCursor",
    "UsageRepository",
    "UsageTotals",
]
