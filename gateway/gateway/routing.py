"""The routing table of docs/internal-contracts.md with who may pass: every public path maps to
one service and one access rule. The gateway checks role and scope here; the services check
ownership themselves."""

import re
from dataclasses import dataclass

from onevisit.auth import Identity
from onevisit.errors import Forbidden, Unauthorized

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
APPLICANTS = frozenset({"citizen", "company"})
APPLICANTS_AND_CLERKS = APPLICANTS | {"clerk"}
EVERY_USER_ROLE = APPLICANTS_AND_CLERKS | {"department", "ops"}
OPS = frozenset({"ops"})
DEPARTMENT = frozenset({"department"})


@dataclass(frozen=True)
class Rule:
    """A family of public paths: the service behind it and who may reach it.

    `roles` are the roles of token holders (and department API clients for `department`);
    `family` names the scopes an API-key client needs (`<family>:read` for GET/HEAD,
    `<family>:write` otherwise); None keeps API-key clients out. `public` lets anonymous
    callers through for the listed methods.
    """

    pattern: re.Pattern[str]
    service: str
    roles: frozenset[str]
    family: str | None = None
    methods: frozenset[str] | None = None
    public: bool = False
    upload: bool = False

    def matches(self, method: str, path: str) -> bool:
        return (self.methods is None or method in self.methods) and self.pattern.match(path) is not None

    def scope_for(self, method: str) -> str | None:
        if self.family is None:
            return None
        return f"{self.family}:{'read' if method in SAFE_METHODS else 'write'}"


def _rule(pattern: str, service: str, roles: frozenset[str], **options: object) -> Rule:
    return Rule(re.compile(pattern), service, roles, **options)  # type: ignore[arg-type]


READS = frozenset({"GET", "HEAD"})
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# First match wins: the more specific paths come before the families that contain them.
RULES: tuple[Rule, ...] = (
    # catalog: public reads and evaluation (一次告知 needs no login), operator editing
    _rule(r"^/v1/bundles(/[^/]+(/guide)?)?$", "catalog", EVERY_USER_ROLE, family="catalog", methods=READS, public=True),
    _rule(
        r"^/v1/bundles/[^/]+/evaluate$",
        "catalog",
        EVERY_USER_ROLE,
        family="catalog",
        public=True,
        methods=frozenset({"POST"}),
    ),
    _rule(r"^/v1/departments(/.*)?$", "catalog", EVERY_USER_ROLE, family="catalog", methods=READS, public=True),
    _rule(r"^/v1/admin/catalog(/.*)?$", "catalog", OPS),
    # notify: the one delivery, ratings, licences, 12345 tickets, Open311, statistics
    _rule(r"^/v1/applications/[^/]+/(delivery|rating)$", "notify", APPLICANTS_AND_CLERKS, family="applications"),
    _rule(r"^/v1/applications/[^/]+/delivery/pickup$", "notify", frozenset({"clerk"}), family="applications"),
    _rule(r"^/v1/deliveries/tracking$", "notify", OPS, family="deliveries", methods=frozenset({"POST"})),
    _rule(r"^/v1/notifications$", "notify", EVERY_USER_ROLE, family="notifications", methods=READS),
    _rule(r"^/v1/ratings(/.*)?$", "notify", EVERY_USER_ROLE, family="ratings"),
    _rule(r"^/v1/licences/[^/]+/verify$", "notify", EVERY_USER_ROLE, family="licences", methods=READS),
    _rule(r"^/v1/licences(/.*)?$", "notify", APPLICANTS_AND_CLERKS, family="licences"),
    _rule(r"^/v1/tickets/[^/]+/reply$", "notify", DEPARTMENT | OPS, family="tickets", methods=frozenset({"POST"})),
    _rule(r"^/v1/tickets(/.*)?$", "notify", EVERY_USER_ROLE, family="tickets"),
    _rule(r"^/open311/.*$", "notify", EVERY_USER_ROLE, family="tickets", methods=READS, public=True),
    # Filing is public at the gateway: Open311 client systems authenticate with the form's api_key,
    # which notify checks (open311/keys.py).
    _rule(
        r"^/open311/v2/requests\.[A-Za-z0-9]+$",
        "notify",
        EVERY_USER_ROLE,
        family="tickets",
        methods=frozenset({"POST"}),
        public=True,
    ),
    _rule(r"^/v1/admin/stats(/.*)?$", "notify", OPS),
    # intake: drafts, materials, submission; material links are signed by dispatch and checked by intake
    _rule(r"^/v1/applications/[^/]+/materials$", "intake", APPLICANTS_AND_CLERKS, family="applications", upload=True),
    _rule(r"^/v1/applications(/.*)?$", "intake", APPLICANTS_AND_CLERKS, family="applications"),
    _rule(r"^/v1/materials/[^/]+/content$", "intake", EVERY_USER_ROLE, methods=READS, public=True),
    # dispatch: the department workbench and HTTP results
    _rule(r"^/v1/dept(/.*)?$", "dispatch", DEPARTMENT, family="dept"),
)


def match_rule(method: str, path: str) -> Rule | None:
    for rule in RULES:
        if rule.matches(method, path):
            return rule
    return None


def routes_path(service: str, path: str) -> bool:
    """Whether the gateway sends some request on this path to this service (OpenAPI merging)."""
    return any(rule.service == service and rule.pattern.match(path) for rule in RULES)


class LoginRequired(Unauthorized):
    code = "login_required"
    title = "请先登录"


class AccessDenied(Forbidden):
    code = "access_denied"
    title = "无权访问"


def authorize(rule: Rule, method: str, identity: Identity | None) -> None:
    """The gateway's half of access control: role for people, scope for API clients."""
    if identity is None:
        if rule.public:
            return
        raise LoginRequired("该操作需要登录或签名认证")
    if rule.public:
        return
    if identity.client_id:
        scope = rule.scope_for(method)
        if scope is None or scope not in identity.scopes:
            raise AccessDenied(f"接入系统 {identity.client_id} 缺少权限范围 {scope or '（该接口不对接入系统开放）'}")
        if rule.roles == DEPARTMENT and identity.role != "department":
            raise AccessDenied("仅部门接入系统可以访问部门任务")
        return
    if identity.role not in rule.roles:
        raise AccessDenied(f"角色 {identity.role} 无权访问该接口")
