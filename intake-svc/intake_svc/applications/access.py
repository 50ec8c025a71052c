"""Who may see and change an application: applicants their own, a window clerk those they typed
in for someone (帮办代办), operators and internal systems read everything. Others get 403; an
application that is not yours is 404, so its existence does not leak."""

from intake_svc.applications.errors import ApplicationNotFound, NotAnApplicant, ReadOnlyAccess
from intake_svc.applications.models import Application
from onevisit.auth import Identity

APPLYING_ROLES = {"citizen", "company", "clerk"}
READING_ROLES = APPLYING_ROLES | {"ops", "system"}


def ensure_may_apply(identity: Identity) -> None:
    if identity.role not in APPLYING_ROLES:
        raise NotAnApplicant(f"角色 {identity.role} 不能办理申请")


def ensure_visible(application: Application | None, identity: Identity) -> Application:
    if identity.role not in READING_ROLES:
        raise NotAnApplicant(f"角色 {identity.role} 不能查看申请")
    if application is None or (not _is_party(application, identity) and identity.role not in {"ops", "system"}):
        raise ApplicationNotFound()
    return application


def ensure_changeable(application: Application | None, identity: Identity) -> Application:
    application = ensure_visible(application, identity)
    if not _is_party(application, identity):
        raise ReadOnlyAccess()
    return application


def visible_subject(identity: Identity) -> str | None:
    """Whose applications a list shows; None means every application."""
    if identity.role not in READING_ROLES:
        raise NotAnApplicant(f"角色 {identity.role} 不能查看申请")
    return None if identity.role in {"ops", "system"} else identity.subject


def _is_party(application: Application, identity: Identity) -> bool:
    if identity.role in {"citizen", "company"}:
        return application.applicant_subject == identity.subject
    return identity.role == "clerk" and application.created_by == identity.subject
