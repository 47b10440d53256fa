"""Import of an HSDS 3.0 dataset into the directory: all or nothing, idempotent by HSDS id.

1. **Check everything first.** Each service is validated against the HSDS schema, then
   turned into rows and checked again as safepath stores them. Every error is collected;
   if there is one, nothing is written (`ImportFailed`).
2. **Then one transaction** creates or updates each object by its HSDS id and removes
   the nested objects a service no longer has, logging each change.

The parts, in the order an import runs:
- `importer.py`: `import_file` and `import_data`, the two ways in.
- `reading.py`: the file read and parsed, the services found in it, the HSDS schema.
- `problems.py`: what a failed import reports (`Problem`, `ImportFailed`, `errors_text`).
- `plan.py`: one row per object to write (`Row`), the plan's bookkeeping, its checks of
  values and of the rows as safepath stores them.
- `objects.py`: each HSDS object of a service turned into rows (the full `Plan`).
- `references.py`: taxonomy terms and taxonomies, found or created, never changed.
- `tables.py`: the models written, in which order, and how they nest.
- `writing.py`: the one transaction that writes the plan (`Summary`).
"""

from safepath.directory.hsds_import.importer import import_data, import_file
from safepath.directory.hsds_import.problems import ImportFailed, errors_text
from safepath.directory.hsds_import.tables import ORDER

__all__ = ["ORDER", "ImportFailed", "errors_text", "import_data", "import_file"]
