"""Where the non-Python parts live: the repository root in a checkout, package data in a wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parents[1]


def resource_dir(name: str) -> Path:
    """``alembic``, ``templates`` or ``static``: packaged copy first, then the checkout's."""
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _CHECKOUT / name
