"""The case timeline in words: one sentence per `CaseEvent`, in the reader's language.
Events hold codes; the words are made here, so a new kind of event needs one line."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from safepath.cases.models import (
    ApprovalKind,
    ApprovalStatus,
    CaseEvent,
    TaskKind,
    TransferStatus,
)
from safepath.cases.models.history import TraffickingEventKind
from safepath.cases.models.reports import PerpetratorRole
from safepath.cases.models.retention import ErasureStatus
from safepath.cases.vocabularies import CaseStatus


@dataclass(frozen=True, slots=True)
class Line:
    event: CaseEvent
    text: str


def _label(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value))


def describe(event: CaseEvent) -> str:
    d = event.detail or {}
    kind = event.kind
    if kind == "opened":
        return _("Case opened")
    if kind == "changed":
        return _("Changed: %(count)d field(s)") % {"count": len(d.get("fields", []))}
    if kind == "status":
        return _("Status: %(before)s → %(after)s") % {
            "before": _label(CaseStatus.choices, d.get("before", "")),
            "after": _label(CaseStatus.choices, d.get("after", "")),
        }
    if kind == "assigned":
        return _("Assigned to %(owner)s") % {"owner": d.get("owner", "")}
    if kind == "note":
        return _("Note added")
    if kind == "approval_requested":
        return _("Approval requested: %(what)s") % {
            "what": _label(ApprovalKind.choices, d.get("approval", ""))
        }
    if kind == "approval_decided":
        return _("%(what)s: %(decision)s") % {
            "what": _label(ApprovalKind.choices, d.get("approval", "")),
            "decision": _label(ApprovalStatus.choices, d.get("status", "")),
        }
    if kind == "plan":
        return _("Case plan changed")
    if kind == "task_added":
        return _("%(task)s added for %(who)s") % {
            "task": _label(TaskKind.choices, d.get("task", "")),
            "who": d.get("assignee", ""),
        }
    if kind == "task_done":
        return _("%(task)s done") % {"task": _label(TaskKind.choices, d.get("task", ""))}
    if kind == "imported":
        return _("Imported from an HTCDS form submission")
    if kind == "transfer_requested":
        return _("Transfer proposed to %(organisation)s") % {"organisation": d.get("to", "")}
    if kind == "transfer_decided":
        return _("Transfer %(decision)s") % {
            "decision": _label(TransferStatus.choices, d.get("status", ""))
        }
    if kind == "assistance":
        return _("Assistance recorded")
    if kind == "erasure_requested":
        return _("Erasure of the person's data requested")
    if kind == "erasure_decided":
        return _("Erasure of the person's data: %(decision)s") % {
            "decision": _label(ErasureStatus.choices, d.get("status", ""))
        }
    if kind in ("trafficking_event_added", "trafficking_event_removed"):
        what = _label(TraffickingEventKind.choices, d.get("event", ""))
        if kind.endswith("added"):
            return _("Trafficking event added: %(kind)s") % {"kind": what}
        return _("Trafficking event removed: %(kind)s") % {"kind": what}
    if kind in ("perpetrator_added", "perpetrator_removed"):
        role = _label(PerpetratorRole.choices, d.get("role", ""))
        if kind.endswith("added"):
            return _("Perpetrator added: %(role)s") % {"role": role}
        return _("Perpetrator removed: %(role)s") % {"role": role}
    if kind.startswith("report_"):
        return _report(kind.removeprefix("report_"))
    if kind.startswith("referral_"):
        return _referral(kind.removeprefix("referral_"), d)
    return kind


def _report(action: str) -> str:
    texts = {
        "created": _("Law-enforcement report drafted"),
        "changed": _("Law-enforcement report changed"),
        "submitted": _("Law-enforcement report sent for approval"),
        "approved": _("Law-enforcement report approved"),
        "rejected": _("Law-enforcement report returned to draft"),
        "sent": _("Law-enforcement report sent"),
        "acknowledged": _("Law-enforcement report acknowledged"),
        "outcome": _("Outcome of the law-enforcement report recorded"),
        "pdf": _("Law-enforcement report PDF generated"),
    }
    return texts.get(action, _("Law-enforcement report updated"))


def _referral(action: str, d: dict[str, Any]) -> str:
    """A referral's step (`safepath.referrals.events.step`); `to` is the recipient
    organisation's code, or "external" for a recipient outside safepath."""
    to = d.get("to", "")
    if action == "sent":
        if to == "external":
            return _("Referral sent to a recipient outside safepath")
        return _("Referral sent to %(organisation)s") % {"organisation": to}
    texts = {
        "awaiting_approval": _("Referral on a legal ground waiting for a supervisor's approval"),
        "approved": _("Legal ground of the referral approved: referral sent"),
        "accepted": _("Referral accepted"),
        "declined": _("Referral declined"),
        "started": _("Referral: service started"),
        "completed": _("Referral completed"),
        "withdrawn": _("Referral withdrawn"),
        "update": _("Referral: update added"),
    }
    return texts.get(action, _("Referral updated"))


def lines(events: Any) -> list[Line]:
    return [Line(event, describe(event)) for event in events]
