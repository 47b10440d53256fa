"""The cases app's models, one module per part of the work (case, assistance, reports, ...)."""

from safepath.cases.models.assistance import (
    Assistance,
    AssistanceKind,
    MovementType,
    Shelter,
    ShelterStay,
    StockBalance,
    StockItem,
    StockMovement,
    Warehouse,
)
from safepath.cases.models.attachments import CaseAttachment as CaseAttachment
from safepath.cases.models.case import Case, CaseEvent, CaseNote
from safepath.cases.models.exports import CaseExport, ExportKind, ExportStatus
from safepath.cases.models.history import TraffickingEvent as TraffickingEvent
from safepath.cases.models.reports import LawEnforcementReport, ReportPerpetrator, ReportPlace
from safepath.cases.models.retention import ErasureRequest as ErasureRequest
from safepath.cases.models.transfers import CaseTransfer as CaseTransfer
from safepath.cases.models.transfers import TransferStatus as TransferStatus
from safepath.cases.models.workflow import (
    ApprovalKind,
    ApprovalStatus,
    CaseApproval,
    CaseTask,
    PlanItem,
    TaskKind,
)

__all__ = [
    "ApprovalKind",
    "ApprovalStatus",
    "Assistance",
    "AssistanceKind",
    "Case",
    "CaseApproval",
    "CaseEvent",
    "CaseExport",
    "CaseNote",
    "CaseTask",
    "ExportKind",
    "ExportStatus",
    "LawEnforcementReport",
    "MovementType",
    "PlanItem",
    "ReportPerpetrator",
    "ReportPlace",
    "Shelter",
    "ShelterStay",
    "StockBalance",
    "StockItem",
    "StockMovement",
    "TaskKind",
    "Warehouse",
]
