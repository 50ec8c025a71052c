"""Errors of the department API, with stable codes."""

from onevisit.errors import Conflict, Forbidden, NotFound


class NotADepartment(Forbidden):
    code = "department_required"
    title = "仅限部门用户或部门系统访问"


class TaskNotFound(NotFound):
    code = "task_not_found"
    title = "未找到该办件任务"


class TaskNotOpen(Conflict):
    code = "task_not_open"
    title = "该任务当前不可认领"


class TaskClaimedByAnother(Conflict):
    code = "task_claimed"
    title = "该任务已由他人认领"


class DeliveryNotFound(NotFound):
    code = "delivery_not_found"
    title = "未找到该推送记录"


class DeliveryNotDead(Conflict):
    code = "delivery_not_dead"
    title = "只有已放弃的推送可以重放"


class WebhookNotRegistered(NotFound):
    code = "webhook_not_registered"
    title = "尚未登记接收地址"
