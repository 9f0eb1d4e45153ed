"""Entity escaping of C1 element bodies (`& < > " '`): the one implementation lives in genui.ui.c1."""

from __future__ import annotations

from genui.ui.c1 import escape, unescape

__all__ = ["escape", "unescape"]
