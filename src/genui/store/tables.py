"""SQLAlchemy 2 table models; the Alembic migrations in `migrations/versions` create exactly these."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from genui.store import nul

# JSONB on PostgreSQL (compact, indexable), plain JSON text elsewhere.
JsonDoc = JSON().with_variant(JSONB(), "postgresql")
# SQLite has no 64-bit autoincrement besides INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone, so put it back on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Str(TypeDecorator[str]):
    """Every string column: U+0000 is stored through the reversible encoding of `store/nul.py` (both backends
    keep it; PostgreSQL refuses it raw). Bound parameters of comparisons are encoded the same way."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return nul.encode(value) if value is not None else None

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return nul.decode(value) if value is not None else None


class LongStr(Str):
    impl = Text
    cache_ok = True  # SQLAlchemy reads it per class: without it, statements on the column are never cached


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Organization(Base):
    __tablename__ = "organizations"
    id: Mapped[str] = mapped_column(Str(64), primary_key=True)
    # Lengths of client-given strings leave room for the NUL encoding (at most twice as long): 0003.
    name: Mapped[str] = mapped_column(Str(400), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(Str(64), primary_key=True)
    name: Mapped[str] = mapped_column(Str(400), index=True)
    org_id: Mapped[str] = mapped_column(
        Str(64), ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    prefix: Mapped[str] = mapped_column(Str(32))
    key_hash: Mapped[str] = mapped_column(Str(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


IN_PROGRESS = text("status = 'in_progress'")


class Response(Base):
    __tablename__ = "responses"
    # Only the few in-flight rows: what the orphan sweep reads, whatever the size of the table.
    __table_args__ = (
        Index("ix_responses_in_progress", "owner_id", sqlite_where=IN_PROGRESS, postgresql_where=IN_PROGRESS),
    )
    id: Mapped[str] = mapped_column(Str(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(
        Str(64), ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(Str(16))
    model: Mapped[str] = mapped_column(Str(200))
    # The ResponseResource JSON without `output` (output items live in response_items).
    resource: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    previous_response_id: Mapped[str | None] = mapped_column(Str(64), nullable=True)
    conversation_id: Mapped[str | None] = mapped_column(Str(64), nullable=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    completed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc, nullable=True)
    usage: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc, nullable=True)
    # The lease (`workers.id`) of the process producing an `in_progress` response; no foreign key, because a
    # lease row goes away while the responses it owned stay.
    owner_id: Mapped[str | None] = mapped_column(Str(64), nullable=True)
    # Output so far of an `in_progress` response (`checkpoint`), kept if its process dies.
    partial_output: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonDoc, nullable=True)


class ResponseItem(Base):
    __tablename__ = "response_items"
    response_id: Mapped[str] = mapped_column(
        Str(64), ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    # "input" or "output"
    kind: Mapped[str] = mapped_column(Str(8), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(Str(128))
    item: Mapped[dict[str, Any]] = mapped_column(JsonDoc)


class Conversation(Base):
    __tablename__ = "conversations"
    id: Mapped[str] = mapped_column(Str(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(
        Str(64), ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JsonDoc)
    created_at: Mapped[int] = mapped_column(BigInteger)
    # Positions handed out so far; bumped under the row lock so item positions are monotonic per conversation.
    item_count: Mapped[int] = mapped_column(Integer, default=0)


class ConversationItem(Base):
    __tablename__ = "conversation_items"
    __table_args__ = (
        UniqueConstraint("conversation_id", "position", name="uq_conversation_items_position"),
        UniqueConstraint("conversation_id", "item_id", name="uq_conversation_items_item_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(Str(64), ForeignKey("conversations.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[str] = mapped_column(Str(128))
    item: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    created_at: Mapped[int] = mapped_column(BigInteger)


class UsageRecord(Base):
    __tablename__ = "usage_records"
    __table_args__ = (Index("ix_usage_records_org_time", "org_id", "created_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(Str(64))
    key_id: Mapped[str | None] = mapped_column(Str(64), nullable=True)
    model: Mapped[str] = mapped_column(LongStr)
    # Model calls summed in this row (the recorder adds up one flush per org, key and model).
    requests: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    input_tokens: Mapped[int] = mapped_column(Integer)
    output_tokens: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Worker(Base):
    """A live process's lease: it owns the responses it is producing while its heartbeat is recent."""

    __tablename__ = "workers"
    id: Mapped[str] = mapped_column(Str(64), primary_key=True)
    host: Mapped[str] = mapped_column(Str(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime)


class UsageBatch(Base):
    """Ids of usage batches already written whose journal segment may still exist: a replay skips them."""

    __tablename__ = "usage_batches"
    id: Mapped[str] = mapped_column(Str(80), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
