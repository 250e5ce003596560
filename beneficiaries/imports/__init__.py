"""Bulk import of assistance records from a beneficiary list (CSV or XLSX).

Modules: ``parse`` (reading the file and its cells), ``validate`` (checking
each row), ``write`` (COPY into the table with the history, and a manager's
approval of a monitor's import), ``status`` (the import's ``ImportBatch``
row and its state transitions, who may see it, clean-up of uploaded files)
and ``run`` (dry run, confirmation, write). The names other modules use are importable from here.

Rows only for projects in the importer's scope (``projects_for_user``); a
project outside it is reported exactly like a project that does not exist.
"""

from beneficiaries.imports.parse import (
    COLUMNS,
    HEADER_ALIASES,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    ImportFileError,
    parse_count,
    parse_date,
)
from beneficiaries.imports.run import (
    PREVIEW_ROWS,
    import_check,
    import_confirm,
    import_write,
)
from beneficiaries.imports.status import (
    RUNNING_STATES,
    State,
    import_cleanup,
    import_create,
    import_reclaim,
    import_redispatch,
    status_read,
)
from beneficiaries.imports.write import import_approve, import_return

__all__ = [
    "COLUMNS",
    "HEADER_ALIASES",
    "MAX_ROWS",
    "PREVIEW_ROWS",
    "REQUIRED_COLUMNS",
    "RUNNING_STATES",
    "State",
    "ImportFileError",
    "import_approve",
    "import_return",
    "import_check",
    "import_cleanup",
    "import_confirm",
    "import_create",
    "import_reclaim",
    "import_redispatch",
    "import_write",
    "parse_count",
    "parse_date",
    "status_read",
]
