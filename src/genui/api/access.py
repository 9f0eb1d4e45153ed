"""The access-log record of one request: the middleware creates it in the ASGI scope, the routes and the
error handler fill it in (caller, run, error code), the middleware logs it when the request is done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from starlette.requests import HTTPConnection

from genui.models.events import Usage
from genui.service.accounting import Caller

SCOPE_KEY = "genui.access"


class RunFacts(Protocol):
    """What a chat or Responses run tells the access log once it ended."""

    @property
    def model_name(self) -> str: ...
    @property
    def usage(self) -> Usage | None: ...
    @property
    def repairs(self) -> int: ...
    @property
    def error_code(self) -> str | None: ...


@dataclass(slots=True)
class AccessRecord:
    request_id: str
    org_id: str | None = None
    key_id: str | None = None
    run: RunFacts | None = None
    error_code: str | None = None


def access_record(request: HTTPConnection) -> AccessRecord | None:
    record = request.scope.get(SCOPE_KEY)
    return record if isinstance(record, AccessRecord) else None


def note_caller(request: HTTPConnection, caller: Caller) -> None:
    record = access_record(request)
    if record is not None:
        record.org_id, record.key_id = caller.org_id, caller.key_id


def note_run(request: HTTPConnection, run: RunFacts) -> None:
    record = access_record(request)
    if record is not None:
        record.run = run
