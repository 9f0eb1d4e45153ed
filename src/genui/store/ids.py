"""Public object ids: a type prefix plus 128 random bits in hex (`resp_…`, `conv_…`, `msg_…`, `fc_…`)."""

from __future__ import annotations

import secrets


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(16)}"
