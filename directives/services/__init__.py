"""Writes of directives: notices issued down the grid and answered by each node
(:mod:`.notices`), authoritative pushes forwarded by the nodes and instructions relayed from
above (:mod:`.pushes`)."""

from directives.errors import NoticeConflict  # noqa: F401
from directives.services.notices import (  # noqa: F401
    MAX_TITLE,
    notice_acknowledge,
    notice_issue,
    notice_remind,
    notice_report,
)
from directives.services.pushes import notice_forward  # noqa: F401
