"""Messages starlette-admin's templates show but its catalogs lack.

starlette-admin 1.0's templates translate these strings (aria-labels in layout.html,
_pagination.html and inline-edit/popover.html), yet none of its catalogs lists them, so
they would stay in English. Marking them here puts them in Sportello's catalog, which
`admin.i18n.catalog()` merges over starlette-admin's, so they are translated like ours.
Nothing imports this module: it exists only for `pybabel extract` (scripts/messages.sh).
Drop a string once starlette-admin's catalogs carry it.
"""

from __future__ import annotations

from admin.i18n import N_

STARLETTE_ADMIN_MESSAGES = (
    N_("Change language"),  # layout.html
    N_("Change timezone"),  # layout.html
    N_("Previous page"),  # _pagination.html
    N_("Next page"),  # _pagination.html
    N_("Edit value"),  # inline-edit/popover.html
)
