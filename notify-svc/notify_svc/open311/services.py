"""What the Open311 facade offers: each ticket type × category is one Open311 service, and how a
ticket's status reads in Open311's two states."""

from dataclasses import dataclass

from notify_svc.tickets.models import OPEN_STATUSES
from notify_svc.tickets.schemas import TicketType

# Raise this date whenever the services below change: clients cache the list by it (discovery).
SERVICES_CHANGESET = "2026-05-01T00:00:00+08:00"

TICKET_TYPE_NAMES: dict[TicketType, str] = {
    "consultation": "咨询",
    "query": "求助",
    "suggestion": "建议",
    "complaint": "投诉",
    "praise": "表扬",
}


@dataclass(frozen=True)
class Category:
    """A subject of the hotline; its name is written at the head of the ticket, and holds keywords
    of the routing catalogue, so the ticket service routes it to the department in charge."""

    code: str
    name: str
    keywords: tuple[str, ...]


CATEGORIES = (
    Category("household", "户口与身份证", ("户口", "身份证", "落户")),
    Category("birth-health", "出生与卫生健康", ("出生", "出生医学证明", "疫苗")),
    Category("social-security", "社保与就业", ("社保", "养老", "退休", "就业")),
    Category("medical-insurance", "医保", ("医保", "报销")),
    Category("business", "营业执照与市场监管", ("营业执照", "注销", "食品")),
    Category("tax", "税务与发票", ("税", "发票")),
    Category("housing-fund", "公积金", ("公积金", "提取")),
    Category("education", "入学与教育", ("入学", "学校")),
    # No routing keyword: the content routes it, else the hotline centre does by hand.
    Category("other", "其他事项", ()),
)


@dataclass(frozen=True)
class Service:
    code: str
    ticket_type: TicketType
    category: Category

    @property
    def name(self) -> str:
        return f"{self.category.name}{TICKET_TYPE_NAMES[self.ticket_type]}"

    @property
    def content_prefix(self) -> str:
        """Written before the citizen's description in the ticket (and taken off again in Open311 reads)."""
        return f"【{self.category.name}】"

    def listing(self) -> dict[str, object]:
        """The service as GET services lists it (GeoReport v2 field names and order)."""
        return {
            "service_code": self.code,
            "service_name": self.name,
            "description": (
                f"向 12345 热线提出关于{self.category.name}的{TICKET_TYPE_NAMES[self.ticket_type]}；"
                "描述和位置将公开，姓名、电话和邮箱不公开。"
            ),
            "metadata": False,
            "type": "realtime",
            "keywords": ",".join((TICKET_TYPE_NAMES[self.ticket_type], *self.category.keywords)),
            "group": self.category.name,
        }


SERVICES: dict[str, Service] = {
    f"{ticket_type}-{category.code}": Service(f"{ticket_type}-{category.code}", ticket_type, category)
    for category in CATEGORIES
    for ticket_type in TICKET_TYPE_NAMES
}


def open311_status(ticket_status: str) -> str:
    """Open311 knows only open and closed. A ticket is closed once a department has replied: the
    answer is the outcome the citizen waits for (status_notes carries it), and `closed` after it
    adds nothing an Open311 client can act on; a reopened ticket goes back to `assigned`, so open."""
    return "open" if ticket_status in OPEN_STATUSES else "closed"


def ticket_statuses(open311_state: str) -> tuple[str, ...]:
    """The ticket statuses an Open311 status filter stands for."""
    return OPEN_STATUSES if open311_state == "open" else ("replied", "closed")
