"""Domain errors of the catalog, rendered as problem+json with stable codes."""

from onevisit.errors import Conflict, NotFound, ValidationFailed


class BundleNotFound(NotFound):
    code = "bundle_not_found"
    title = "未找到该一件事"


class VersionNotFound(NotFound):
    code = "bundle_version_not_found"
    title = "未找到该一件事的指定版本"


class EvaluationRefused(ValidationFailed):
    code = "evaluation_refused"
    title = "情形答案或所选事项有误"


class BundleInvalid(ValidationFailed):
    code = "bundle_invalid"
    title = "一件事定义有误，不能发布"


class DraftInvalid(ValidationFailed):
    code = "draft_invalid"
    title = "草稿格式有误"


class BundleExists(Conflict):
    code = "bundle_exists"
    title = "该一件事编码已存在"


class InvalidCursor(ValidationFailed):
    code = "invalid_cursor"
    title = "分页游标无效"
