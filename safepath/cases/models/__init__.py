"""The cases app's models, one module per part of the work (case, assistance, reports, ...)."""

from safepath.cases.models.case import Case, CaseEvent, CaseNote

__all__ = ["Case", "CaseEvent", "CaseNote"]
