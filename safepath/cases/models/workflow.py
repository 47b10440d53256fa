"""The work on a case: supervisor approvals, the case plan, tasks and follow-ups."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from safepath.cases.models.case import Case
from safepath.core.fields import EncryptedTextField
from safepath.core.models import TimeStampedModel


class ApprovalKind(models.TextChoices):
    ASSESSMENT = "assessment", _lazy("Assessment")
    CASE_PLAN = "case_plan", _lazy("Case plan")
    CLOSURE = "closure", _lazy("Closure")
    BEST_INTERESTS_ASSESSMENT = (
        "best_interests_assessment",
        _lazy("Best-interests assessment (child)"),
    )
    BEST_INTERESTS_DETERMINATION = (
        "best_interests_determination",
        _lazy("Best-interests determination (child)"),
    )


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _lazy("Waiting for a decision")
    APPROVED = "approved", _lazy("Approved")
    REJECTED = "rejected", _lazy("Rejected")


class CaseApproval(TimeStampedModel):
    """A request for a supervisor's approval, and the decision. The comments may say
    anything about the person: encrypted. A closure approval is used up by the closing
    it allows (`used_at`), so a reopened case needs a new one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_lazy("approval of"), max_length=32, choices=ApprovalKind.choices)
    status = models.CharField(
        _lazy("status"),
        max_length=8,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    request_comment = EncryptedTextField(_lazy("comment"), blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = EncryptedTextField(_lazy("comment on the decision"), blank=True, default="")
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(status="pending"),
                name="one_pending_approval_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} approval {self.public_id}"


class PlanItem(TimeStampedModel):
    """One line of the case plan: a goal, the action towards it, who does it, by when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_items")
    goal = EncryptedTextField(_lazy("goal"))
    action = EncryptedTextField(_lazy("action"), blank=True, default="")
    responsible = models.CharField(_lazy("who"), max_length=200, blank=True)
    due_on = models.DateField(_lazy("due"), null=True, blank=True)
    done_at = models.DateTimeField(_lazy("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"plan item {self.public_id}"


class TaskKind(models.TextChoices):
    TASK = "task", _lazy("Task")
    FOLLOW_UP = "follow_up", _lazy("Follow-up")
    NOTIFY_FAMILY_COURT = "notify_family_court", _lazy("Notify the family court")
    NOTIFY_POLICE = "notify_police", _lazy("Notify the police")


class CaseTask(TimeStampedModel):
    """Something to do on a case by a date: a task or a follow-up. Overdue tasks are
    collected on the assignee's "my work" page."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_lazy("kind"), max_length=24, choices=TaskKind.choices)
    title = EncryptedTextField(_lazy("what"))
    due_on = models.DateField(_lazy("due"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_lazy("done"), null=True, blank=True)
    # A notification the law requires: a child's case cannot close while one is open.
    required = models.BooleanField(_lazy("required"), default=False)

    class Meta:
        ordering = ["due_on", "id"]
        # "My work" lists a user's open tasks soonest first, 50 at a time: this index
        # hands them over in that order, so the page never sorts every open task.
        indexes = [
            models.Index(
                fields=["assignee", "due_on", "id"],
                condition=models.Q(done_at__isnull=True),
                name="cases_task_open_by_assignee",
            )
        ]

    def __str__(self) -> str:
        return f"task {self.public_id}"

    @property
    def overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()
