"""JSON columns that accept a value serialised elsewhere (by an index worker), unchanged."""

from __future__ import annotations

import json
from typing import Any


class RawJSON(str):
    """Text that is already JSON: stored as it is, not encoded a second time."""

    __slots__ = ()


def dumps(value: Any) -> str:
    """The engines' JSON serializer."""
    return value if isinstance(value, RawJSON) else json.dumps(value)
