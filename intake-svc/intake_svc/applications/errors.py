"""Errors of the applications feature, each with its status, stable code and Chinese title."""

from onevisit.errors import Conflict, Forbidden, NotFound


class ApplicationNotFound(NotFound):
    code = "application_not_found"
    title = "未找到该申请"


class NotAnApplicant(Forbidden):
    code = "not_an_applicant"
    title = "当前身份不能办理申请"


class OnBehalfNotAllowed(Forbidden):
    code = "on_behalf_not_allowed"
    title = "只有综合窗口工作人员可以帮办代办"


class OnBehalfRequired(Forbidden):
    code = "on_behalf_required"
    title = "窗口工作人员须填写所代办的申请人"


class ReadOnlyAccess(Forbidden):
    code = "read_only_access"
    title = "只能查看，不能修改该申请"


class NotADraft(Conflict):
    code = "application_not_draft"
    title = "申请已提交，不能再修改"


class NotWithdrawable(Conflict):
    code = "application_not_withdrawable"
    title = "申请已办结或已撤回，不能撤回"


class NoOpenCorrection(Conflict):
    code = "no_open_correction"
    title = "当前没有待补正的内容"
