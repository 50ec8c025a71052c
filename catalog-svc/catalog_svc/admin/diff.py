"""Differences between two bundle definitions, path by path, for reviewing a draft before publishing."""

from typing import Any

# Lists of these records are compared by their identifying key, so moving an item is no change
# and editing one shows as a change of that item only.
_IDENTITY_KEYS = ("code", "id", "key")


def diff(before: Any, after: Any, path: str = "") -> list[dict[str, Any]]:
    if isinstance(before, dict) and isinstance(after, dict):
        changes = []
        for key in [*before, *(k for k in after if k not in before)]:
            where = f"{path}.{key}" if path else key
            if key not in after:
                changes.append({"path": where, "kind": "removed", "before": before[key], "after": None})
            elif key not in before:
                changes.append({"path": where, "kind": "added", "before": None, "after": after[key]})
            else:
                changes += diff(before[key], after[key], where)
        return changes
    if isinstance(before, list) and isinstance(after, list):
        identity = _identity(before, after)
        if identity:
            return diff(_keyed(before, identity), _keyed(after, identity), path)
    if before != after:
        return [{"path": path, "kind": "changed", "before": before, "after": after}]
    return []


def _identity(before: list[Any], after: list[Any]) -> str | None:
    records = [*before, *after]
    if not records or not all(isinstance(r, dict) for r in records):
        return None
    for key in _IDENTITY_KEYS:
        values = [r.get(key) for r in records]
        if all(isinstance(v, str) for v in values) and _unique(before, key) and _unique(after, key):
            return key
    return None


def _unique(records: list[dict[str, Any]], key: str) -> bool:
    values = [r[key] for r in records]
    return len(values) == len(set(values))


def _keyed(records: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return {f"[{record[key]}]": record for record in records}
