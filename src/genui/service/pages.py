"""A listing by cursor as the API answers it: an unknown `after` is a 400, an unknown parent a 404."""

from __future__ import annotations

from collections.abc import Awaitable

from genui.errors import ApiError
from genui.store import Page, PageQuery, UnknownCursor


async def page_or_error(
    load: Awaitable[Page | None], *, page: PageQuery, where: str, missing: ApiError
) -> Page:
    """`where` names what the cursor should be in, e.g. "input item ... in this response"."""
    try:
        loaded = await load
    except UnknownCursor:
        message = f"No {where.format(after=page.after)}."
        raise ApiError(400, message, param="after", code="invalid_value") from None
    if loaded is None:
        raise missing
    return loaded
