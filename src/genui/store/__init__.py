"""genui.store: SQLAlchemy 2 async persistence (SQLite by default, PostgreSQL by URL), Alembic migrations."""

from genui.store.conversations import ConversationRecord, ConversationRepository, DuplicateItemError
from genui.store.db import Database
from genui.store.keys import ApiKeyRecord, KeyRepository
from genui.store.leases import LeaseKeeper
from genui.store.pages import Page, PageQuery, UnknownCursor
from genui.store.responses import Checkpointer, ResponseRepository
from genui.store.usage import UsageRepository, UsageTotals

__all__ = [
    "ApiKeyRecord",
    "Checkpointer",
    "ConversationRecord",
    "ConversationRepository",
    "Database",
    "DuplicateItemError",
    "KeyRepository",
    "LeaseKeeper",
    "Page",
    "PageQuery",
    "ResponseRepository",
    "UnknownCursor",
    "UsageRepository",
    "UsageTotals",
]
