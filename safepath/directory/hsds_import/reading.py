"""Reading an import: the file parsed as JSON, the services it holds, and the HSDS
schema each service is validated against.

Accepted JSON: one fully nested service, a list of them, a page envelope whose
`contents` holds them, or a fully nested organization whose `services` holds them.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any, Final

import jsonschema  # type: ignore[import-untyped]

from safepath.directory.hsds_import.problems import ImportFailed, Problem

SCHEMA_FILE: Final = (
    Path(__file__).resolve().parent.parent / "hsds_schema" / "service_with_definitions.json"
)


@cache
def validator() -> Any:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def read_file(path: str | Path) -> Any:
    """The parsed JSON of `path`; `ImportFailed` when it cannot be read or parsed."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        message = f"cannot read the file: {error.strerror}"
        raise ImportFailed([Problem(None, "", "", message)]) from None
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ImportFailed([Problem(None, "", "", "the file is not UTF-8")]) from None
    except json.JSONDecodeError as error:
        message = f"not JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        raise ImportFailed([Problem(None, "", "", message)]) from None


def services_in(data: Any) -> list[Any]:
    """The services of a dataset, whichever of the accepted shapes it has."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return list(data["contents"])
    if isinstance(data, dict) and isinstance(data.get("services"), list) and "status" not in data:
        organization = {k: v for k, v in data.items() if k != "services"}
        found: list[Any] = []
        for item in data["services"]:
            if isinstance(item, dict) and "organization" not in item:
                item = {**item, "organization": organization}
            found.append(item)
        return found
    if isinstance(data, dict):
        return [data]
    raise ImportFailed(
        [
            Problem(
                None,
                "",
                "",
                "expected a service, a list of services, a page with `contents` or an "
                "organization with `services`",
            )
        ]
    )
