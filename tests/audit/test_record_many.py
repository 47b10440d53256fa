"""`record_many`: one event per object, built as `record` builds one, same allow-list."""

import pytest

from safepath.audit.events import record, record_many
from safepath.audit.models import AuditEvent
from tests.conftest import Cast

COLUMNS = (
    "actor_id",
    "actor_username",
    "organisation_code",
    "role",
    "action",
    "object_type",
    "purpose",
    "request_id",
    "outcome",
    "detail",
)


def test_each_event_is_the_one_record_writes(cast: Cast) -> None:
    single = record(
        actor=cast.supervisor_a,
        action="consent.given",
        object_type="person",
        object_id="p-1",
        purpose="data_processing",
        detail={"target": ""},
    )

    written = record_many(
        actor=cast.supervisor_a,
        action="consent.given",
        object_type="person",
        object_ids=["p-2", "p-3"],
        purpose="data_processing",
        detail={"target": ""},
    )

    assert written == 2
    events = list(AuditEvent.objects.exclude(pk=single.pk).order_by("id"))
    assert [event.object_id for event in events] == ["p-2", "p-3"]
    for event in events:
        assert {c: getattr(event, c) for c in COLUMNS} == {c: getattr(single, c) for c in COLUMNS}
        assert event.at >= single.at


@pytest.mark.parametrize("key", ["given_name", "phone", "instance_id"])
def test_the_allow_list_holds(cast: Cast, key: str) -> None:
    with pytest.raises(ValueError, match=f"audit detail keys not allowed: \\['{key}'\\]"):
        record_many(
            actor=cast.supervisor_a,
            action="screening.created",
            object_type="screening",
            object_ids=["s-1"],
            detail={"via": "xlsform", key: "x"},
        )
    assert AuditEvent.objects.count() == 0


def test_no_objects_no_events(cast: Cast) -> None:
    assert (
        record_many(
            actor=cast.supervisor_a,
            action="screening.created",
            object_type="screening",
            object_ids=[],
        )
        == 0
    )
    assert AuditEvent.objects.count() == 0
