"""Operations on drafts: versions to compare, YAML import and export. No commit here."""

from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_svc.admin.diff import diff
from catalog_svc.bundles import repository
from catalog_svc.bundles import service as bundles
from catalog_svc.bundles.models import Bundle
from catalog_svc.bundles.schemas import MAX_VERSION
from catalog_svc.errors import DraftInvalid, VersionNotFound
from onevisit.errors import ProblemDetail


async def definition_at(session: AsyncSession, *, code: str, version: str) -> dict[str, Any]:
    """The definition of a published version, or of the draft when `version` is "draft"."""
    bundle = await bundles.get_draft(session, code=code)
    if version == "draft":
        return bundle.draft
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if not (version.isascii() and version.isdigit()):
        raise VersionNotFound(f"版本应为数字或 draft，收到 {version}")
    # Too many digits for a version that can exist (and int() refuses > 4300 digits).
    too_big = len(version) > len(str(MAX_VERSION)) or int(version) > MAX_VERSION
    row = None if too_big else await repository.get_version(session, code, int(version))
    if row is None:
        raise VersionNotFound(f"一件事 {code} 没有版本 {version}")
    return row.snapshot["definition"]


async def compare(session: AsyncSession, *, code: str, before: str, after: str) -> list[dict[str, Any]]:
    return diff(
        await definition_at(session, code=code, version=before),
        await definition_at(session, code=code, version=after),
    )


def to_yaml(definition: dict[str, Any]) -> str:
    """YAML an ops person can read and edit: Chinese kept as is, keys in definition order."""
    return yaml.safe_dump(definition, allow_unicode=True, sort_keys=False, width=120)


def parse_yaml(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "未知位置"
        raise DraftInvalid(
            "YAML 无法解析",
            problems=[ProblemDetail(code="yaml.invalid", field="body", message=f"YAML 语法错误（{where}）")],
        ) from exc


async def import_yaml(session: AsyncSession, *, text: str, actor: str | None) -> tuple[Bundle, bool]:
    """Create or replace a draft from a YAML file in the seed format."""
    definition = bundles.parse_definition(parse_yaml(text))
    return await bundles.save_draft(session, definition=definition, actor=actor)
