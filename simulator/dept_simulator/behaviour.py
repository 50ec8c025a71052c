"""What a simulated department decides, how long it takes, and the numbers it issues."""

import random
from datetime import date
from typing import Any

from dept_simulator.settings import DepartmentProfile
from onevisit.contracts import CorrectionRequest, DepartmentResult, DepartmentTask


class Behaviour:
    def __init__(self, seed: int | None = None):
        self.random = random.Random(seed)

    def delay(self, profile: DepartmentProfile) -> float:
        low, high = profile.delay_min_seconds, max(profile.delay_max_seconds, profile.delay_min_seconds)
        if profile.delay_distribution == "fixed":
            return low
        if profile.delay_distribution == "exponential":
            return min(self.random.expovariate(1 / low) if low > 0 else 0.0, high)
        return self.random.uniform(low, high)

    def fails_http(self, profile: DepartmentProfile) -> bool:
        return self.random.random() < profile.http_failure_rate

    def number(self, department: str, item_code: str) -> str:
        """A plausible certificate number: department, year, item, eight digits."""
        return f"{department.upper()[:6]}{date.today().year}{item_code}{self.random.randrange(10**7, 10**8)}"

    def decide(self, task: DepartmentTask, profile: DepartmentProfile) -> DepartmentResult:
        shares = [profile.approve_share, profile.correct_share, profile.reject_share]
        # A corrected task is not sent back a second time: the simulator never loops an applicant.
        if task.attempt > 1:
            shares[1] = 0.0
        if sum(shares) <= 0:
            shares = [1.0, 0.0, 0.0]
        decision = self.random.choices(["approved", "needs_correction", "rejected"], weights=shares)[0]
        if decision == "approved":
            number = self.number(task.department_code, task.item_code)
            outputs: dict[str, Any] = {"certificate_number": number, "item_code": task.item_code}
            licence = {
                "number": number,
                "name": task.item_name or task.item_code,
                "issuer": task.department_code,
                "issued_on": date.today().isoformat(),
            }
            return DepartmentResult(
                task_id=task.task_id,
                decision="approved",
                reason="材料齐全，符合法定条件",
                outputs=outputs,
                licence=licence,
                decided_by="simulator",
            )
        if decision == "needs_correction":
            field = next(iter(task.form_data), None)
            material = task.materials[0].material_code if task.materials else None
            corrections = [CorrectionRequest(field=field, message="请核对并重新填写该项")] if field else []
            if material or not corrections:
                corrections.append(CorrectionRequest(material=material, message="材料不清晰，请重新上传"))
            return DepartmentResult(
                task_id=task.task_id,
                decision="needs_correction",
                reason="申请材料需补正",
                corrections=corrections,
                decided_by="simulator",
            )
        return DepartmentResult(
            task_id=task.task_id, decision="rejected", reason="不符合办理条件", decided_by="simulator"
        )
