"""Shared dictionaries every bundle refers to: departments, materials (材料库), form fields and sections."""

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from onevisit.db import Base, utcnow


class Department(Base):
    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # GB/T 2260 code of the region it serves; "000000" for a national template department.
    region: Mapped[str] = mapped_column(String(12))
    uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Material(Base):
    __tablename__ = "materials"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    # 来源渠道: applicant (申请人自备) | department (政府部门核发) | shared (数据共享/电子证照, free to the applicant)
    source: Mapped[str] = mapped_column(String(32))
    issuer: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # paper | electronic | paper_and_electronic
    form: Mapped[str] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    sample_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    blank_form_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FormSection(Base):
    __tablename__ = "form_sections"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class FormField(Base):
    __tablename__ = "form_fields"

    # Dotted key `<section>.<name>`, the same in form_data, problems and corrections.
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    # string | number | integer | boolean | date
    type: Mapped[str] = mapped_column(String(32))
    # resident_id | uscc | phone | date | region_code | enum | text | number
    validator: Mapped[str] = mapped_column(String(32))
    enum_values: Mapped[list[Any]] = mapped_column(default=list)
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
