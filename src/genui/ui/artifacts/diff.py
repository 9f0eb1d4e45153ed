"""`<artifact_diff>` operations (artifacts-and-visualize.md §2.4) applied to a v1 artifact by element id.

    [{"op": "replace", "id": "s2", "value": {...slide}}, {"op": "append", "value": {...}, "before_id": "s3"},
     {"op": "remove", "id": "s4"}]

Ops apply in order to a copy; the page/slide list is the only target (ids below page level are not
addresses). A malformed list or op is error code 8 (INVALID_ARTIFACT_DIFF), an unknown id code 9
(INVALID_ARTIFACT_ID), as the C1 client reports them; on error the caller keeps its last good tree.
"""

from __future__ import annotations

import copy
from typing import Any

from .v1 import ITEMS_KEY, Item, kind_of, repair_item, root_of

INVALID_ARTIFACT_DIFF = 8
INVALID_ARTIFACT_ID = 9
OPS = ("replace", "append", "remove")


class DiffError(ValueError):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _index(items: list[Item], item_id: object) -> int:
    for i, item in enumerate(items):
        if item.get("id") == item_id:
            return i
    raise DiffError(INVALID_ARTIFACT_ID, f"no page or slide with id {str(item_id)[:64]!r}")


def _value(kind: str, op: dict[str, Any]) -> Item:
    value = repair_item(kind, op.get("value"))
    if value is None:
        raise DiffError(INVALID_ARTIFACT_DIFF, f"{op.get('op')}: 'value' is not a valid page or slide")
    return value


def apply_diff(tree: dict[str, Any], ops: object, *, repair: bool = True) -> dict[str, Any]:
    """A new artifact root: `tree` (root or envelope) with `ops` applied. DiffError on the first bad op.

    `repair=False` takes values as given (a client rendering a diff); True repairs each value first (the
    server validating a model's ops)."""
    root = root_of(tree)
    kind = kind_of(root)
    if root is None or kind is None:
        raise DiffError(INVALID_ARTIFACT_DIFF, "the base is not an artifact")
    if not isinstance(ops, list):
        raise DiffError(INVALID_ARTIFACT_DIFF, "the diff must be a list of operations")
    result = copy.deepcopy(root)
    items: list[Item] = result["props"][ITEMS_KEY[kind]]
    for op in ops:
        if not isinstance(op, dict) or op.get("op") not in OPS:
            raise DiffError(INVALID_ARTIFACT_DIFF, "each operation needs 'op': replace, append or remove")
        name = op["op"]
        if name == "remove":
            del items[_index(items, op.get("id"))]
            continue
        if repair:
            value = _value(kind, op)
        elif isinstance(op.get("value"), dict):
            value = op["value"]
        else:
            raise DiffError(INVALID_ARTIFACT_DIFF, f"{name}: 'value' must be an object")
        if name == "replace":
            items[_index(items, op.get("id"))] = value
            continue
        if any(item.get("id") == value.get("id") for item in items):
            raise DiffError(INVALID_ARTIFACT_DIFF, f"append: id {value.get('id')!r} is taken")
        before = op.get("before_id")
        items.insert(len(items) if before is None else _index(items, before), value)
    return result


def diff_ops(base: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Operations turning the items of `base` into those of `new` (both roots of one kind): removals, then
    replacements in place, then appends (each before the next kept item, or at the end)."""
    kind = kind_of(base)
    assert kind is not None and kind_of(new) == kind
    old = {item["id"]: item for item in base["props"][ITEMS_KEY[kind]]}
    new_items = new["props"][ITEMS_KEY[kind]]
    new_ids = [item["id"] for item in new_items]
    ops: list[dict[str, Any]] = [{"op": "remove", "id": i} for i in old if i not in new_ids]
    for position, item in enumerate(new_items):
        if item["id"] in old:
            if old[item["id"]] != item:
                ops.append({"op": "replace", "id": item["id"], "value": item})
            continue
        later = next((i for i in new_ids[position + 1 :] if i in old), None)
        ops.append({"op": "append", "value": item, **({"before_id": later} if later else {})})
    return ops
