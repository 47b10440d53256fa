"""Cursor pagination: stable at any depth, as fast on page 1,000 as on page 1.

The cursor is an opaque token naming the last row of the previous page (its
internal key); rows come newest first, and the next page starts below it.
"""

import base64
import binascii

from django.db.models import Model, QuerySet

from safepath.core.exceptions import BadCursor

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"k{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith("k"):
            raise ValueError
        return int(raw[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor from exc


def paginate[M: Model](
    queryset: QuerySet[M], *, cursor: str | None, limit: int
) -> tuple[list[M], str | None]:
    rows = queryset.order_by("-pk")
    if cursor:
        rows = rows.filter(pk__lt=decode_cursor(cursor))
    page = list(rows[: limit + 1])
    next_cursor = encode_cursor(page[limit - 1].pk) if len(page) > limit else None
    return page[:limit], next_cursor
