"""Shapes shared by every API module."""

from ninja import Schema


class FieldProblem(Schema):
    pointer: str
    field: str
    detail: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldProblem] | None = None
