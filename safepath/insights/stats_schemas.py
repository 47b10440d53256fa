"""Shapes of the stats API (`/api/v1/stats/...`): codes and released figures only."""

from ninja import Schema
from pydantic import Field

MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"


class MeasureOut(Schema):
    code: str
    dimensions: list[str] = Field(
        description="The codes `GET /stats/{measure}/{dimension}` accepts for this measure."
    )


class MeasuresOut(Schema):
    measures: list[MeasureOut]
    voivodeships: list[str] = Field(description="TERYT codes the `voivodeship` filter takes.")
    populations: list[str] = Field(description="Values the `population` filter takes.")


class StatsParams(Schema):
    """Query parameters of a table. Periods are whole months."""

    start: str | None = Field(
        None,
        alias="from",
        pattern=MONTH_PATTERN,
        description="First month, YYYY-MM (default: 11 months before `to`).",
    )
    end: str | None = Field(
        None,
        alias="to",
        pattern=MONTH_PATTERN,
        description="Last month, YYYY-MM, included (default: the current month).",
    )
    voivodeship: str | None = Field(
        None, pattern=r"^\d{2}$", description="A TERYT voivodeship code (default: all)."
    )
    population: str | None = Field(
        None, pattern="^(adult|child)$", description="`adult` or `child` (default: all)."
    )


class ThresholdsOut(Schema):
    minimum: int = Field(description="Figures under this number of people are suppressed.")
    rounding: int = Field(description="Published figures are rounded to this base (1: none).")


class PeriodOut(Schema):
    start: str = Field(description="First month, YYYY-MM.")
    end: str = Field(description="Last month, YYYY-MM, included.")


class CellOut(Schema):
    value: str
    count: int | None = Field(description="The published figure; null when suppressed.")
    suppressed: bool


class FigureOut(Schema):
    count: int | None
    suppressed: bool


class StatsTableOut(Schema):
    """A released safe table: logged in the release log under `release`."""

    release: str = Field(description="The id of the release log entry.")
    audience: str
    thresholds: ThresholdsOut
    measure: str
    dimension: str
    period: PeriodOut
    voivodeship: str | None
    population: str | None
    strata: list[str] = Field(
        description="What the figures were protected against differencing over."
    )
    multi_valued: bool = Field(
        description="A record counts once under each of its values: cells do not add up, "
        "and there is no total."
    )
    cells: list[CellOut]
    total: FigureOut | None = Field(description="The grand total; null when multi-valued.")
