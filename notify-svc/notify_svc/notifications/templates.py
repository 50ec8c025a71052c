"""Message templates: Chinese text with ((占位符)) placeholders, as GOV.UK Notify writes them.

Templates are versioned: a wording change adds a version, never edits one, and every
notification records the code and version it was rendered from, so what a citizen was told
can always be shown again exactly.
"""

import re
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"\(\(([^()]+)\)\)")


class MissingPlaceholder(ValueError):
    """A template was rendered without a value it needs: a bug in the caller, never sent half-filled."""


@dataclass(frozen=True)
class Template:
    code: str
    version: int
    title: str
    body: str

    def placeholders(self) -> set[str]:
        return set(PLACEHOLDER.findall(self.title)) | set(PLACEHOLDER.findall(self.body))

    def render(self, values: dict[str, object]) -> tuple[str, str]:
        missing = self.placeholders() - values.keys()
        if missing:
            raise MissingPlaceholder(f"template {self.code} v{self.version} needs {sorted(missing)}")

        def fill(text: str) -> str:
            return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)

        return fill(self.title), fill(self.body)


_ALL: tuple[Template, ...] = (
    Template(
        "application_submitted",
        1,
        "办件已受理",
        "((姓名))您好：您申请的“((事项))”已受理，办件编号((办件编号))。我们将在每一步告知您办理进度。",
    ),
    Template("task_approved", 1, "事项已办结", "((姓名))您好：您办件((办件编号))中的“((事项))”已由((部门))审批通过。"),
    Template(
        "task_rejected",
        1,
        "事项未予通过",
        "((姓名))您好：您办件((办件编号))中的“((事项))”未获((部门))通过，原因：((原因))。",
    ),
    Template(
        "task_cancelled",
        1,
        "事项已终止",
        "((姓名))您好：您办件((办件编号))中的“((事项))”因前置事项未通过而终止，原因：((原因))。",
    ),
    Template(
        "correction_requested",
        1,
        "请补正材料",
        "((姓名))您好：您的办件((办件编号))需要补正，请一次性补齐以下内容：((补正内容))。",
    ),
    Template(
        "application_completed",
        1,
        "办件已办结",
        "((姓名))您好：您的办件((办件编号))已全部办结，结果将按您选择的方式((送达方式))一次送达。",
    ),
    Template(
        "application_partially_completed",
        1,
        "办件部分办结",
        "((姓名))您好：您的办件((办件编号))已办结，其中((通过数))项通过、((未通过数))项未通过，"
        "结果将按((送达方式))一次送达。",
    ),
    Template(
        "application_rejected",
        1,
        "办件未予通过",
        "((姓名))您好：您的办件((办件编号))未获通过，决定书将按((送达方式))送达，如有疑问请拨打12345。",
    ),
    Template(
        "ready_for_pickup",
        1,
        "证照已可领取",
        "((姓名))您好：您办件((办件编号))的全部结果已在((地点))备好，取件码((取件码))，请携带身份证件领取。",
    ),
    Template(
        "shipped", 1, "证照已寄出", "((姓名))您好：您办件((办件编号))的全部结果已交((快递公司))寄出，运单号((运单号))。"
    ),
    Template(
        "delivered_electronically",
        1,
        "电子证照已发放",
        "((姓名))您好：您办件((办件编号))的电子证照已发放至您的证照夹，共((证照数))份。",
    ),
    Template("application_withdrawn", 1, "办件已撤回", "((姓名))您好：您的办件((办件编号))已撤回。"),
    Template(
        "ticket_received",
        1,
        "12345已受理",
        "((姓名))您好：您的诉求已受理，工单号((工单号))，由((部门))办理，将于((期限))前答复。",
    ),
    Template("ticket_replied", 1, "12345已答复", "((姓名))您好：您的工单((工单号))已答复：((答复))。欢迎评价。"),
    Template(
        "task_deadline_yellow",
        1,
        "事项临近办理时限",
        "办件((办件编号))中的“((事项))”已用去承诺时限的八成，请于((期限))前办结。",
    ),
    Template(
        "task_deadline_red",
        1,
        "事项已超期",
        "办件((办件编号))中的“((事项))”已超过承诺时限((期限))，请立即办理。",
    ),
    Template(
        "task_overdue_applicant",
        1,
        "事项已超期督办",
        "((姓名))您好：您办件((办件编号))中的“((事项))”已超过承诺时限((期限))，我们已督促承办部门尽快办结。",
    ),
    Template(
        "deficiency_reminder",
        1,
        "容缺材料补交提醒",
        "((姓名))您好：您办件((办件编号))容缺受理的材料“((材料))”请于((期限))前补交；"
        "逾期未补交的，承办部门将依现有材料作出决定。",
    ),
    Template(
        "deficiency_lapsed_applicant",
        1,
        "容缺材料逾期未补正",
        "((姓名))您好：您办件((办件编号))容缺受理的材料“((材料))”已超过补交期限((期限))，"
        "承办部门将依现有材料作出决定，可能不予通过；部门作出决定前补交的，仍会转交部门。",
    ),
    Template(
        "deficiency_lapsed",
        1,
        "容缺材料逾期未补正",
        "办件((办件编号))中的“((事项))”容缺受理的材料“((材料))”已超过补交期限((期限))仍未补交，"
        "办理时限已恢复计算。请依规作出决定（不予通过的，理由可写“容缺材料逾期未补正”）；"
        "申请人在您决定前补交的，任务将附材料再次送达。",
    ),
    Template("ticket_overdue", 1, "工单超期督办", "工单((工单号))已超过答复期限((期限))，请((部门))立即办理并答复。"),
    Template(
        "follow_up_opened",
        1,
        "差评整改",
        "您单位收到一条差评（((对象))），请于((期限))前完成整改并答复。评价内容：((评价))",
    ),
    Template(
        "follow_up_answered",
        1,
        "差评整改已答复",
        "((姓名))您好：您对((对象))的评价已由((部门))整改答复：((答复))。欢迎再次评价。",
    ),
)

TEMPLATES: dict[str, dict[int, Template]] = {}
for _template in _ALL:
    TEMPLATES.setdefault(_template.code, {})[_template.version] = _template


def latest(code: str) -> Template:
    versions = TEMPLATES[code]
    return versions[max(versions)]
