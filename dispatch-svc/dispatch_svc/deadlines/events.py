"""The time-limit warning dispatch raises (红黄牌预警), on the NOTIFY stream for notify-svc."""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from onevisit.events import Event


class TaskDeadlineWarning(Event):
    """A task used 80 % of its promised time (yellow) or passed its deadline (red); raised once per level."""

    subject: ClassVar[str] = "onevisit.notify.task_deadline_warning"

    application_id: UUID
    task_id: UUID
    item_code: str
    department_code: str
    level: Literal["yellow", "red"]
    promised_deadline: datetime
    share_used: float
