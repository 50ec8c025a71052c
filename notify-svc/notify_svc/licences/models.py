"""Electronic licences (电子证照) with the metadata of the GB/T 36901–36906 series."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from onevisit.db import Base, new_id, utcnow


class Licence(Base):
    __tablename__ = "licences"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    # 电子证照标识: 1.2.156.3005.2.<type code>.<issuer code>.<number>.<version>.<check>
    identifier: Mapped[str] = mapped_column(String(255), unique=True)
    type_name: Mapped[str] = mapped_column(String(100))  # 证照类型名称
    type_code: Mapped[str] = mapped_column(String(64))  # 证照类型代码
    number: Mapped[str] = mapped_column(String(100), unique=True)  # 证照编号
    issuer_name: Mapped[str] = mapped_column(String(200))  # 发证机构
    issuer_code: Mapped[str] = mapped_column(String(32))  # 发证机构统一社会信用代码
    issue_date: Mapped[date]  # 发证日期
    holder_name: Mapped[str | None] = mapped_column(String(200), default=None)  # 持证主体
    holder_code: Mapped[str] = mapped_column(String(64), index=True)  # 持证主体代码
    holder_code_type: Mapped[str] = mapped_column(String(32))  # 持证主体代码类型
    holder_hash: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of holder_code, for verification
    valid_from: Mapped[date | None] = mapped_column(default=None)
    valid_until: Mapped[date | None] = mapped_column(default=None)  # None: 长期有效
    jurisdiction: Mapped[str | None] = mapped_column(String(12), default=None)  # 行政区划代码 (GB/T 2260)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # 照面信息
    file_url: Mapped[str | None] = mapped_column(String(500), default=None)
    status: Mapped[str] = mapped_column(String(16), default="valid")  # valid | revoked
    application_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    task_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    item_code: Mapped[str | None] = mapped_column(String(64), default=None)
    department_code: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
