"""RFC 9457 problem+json errors: domain exceptions carry their status, one handler renders them."""

from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ProblemDetail(BaseModel):
    """One problem of several: a field or a material, a stable code and a message in Chinese."""

    code: str = Field(examples=["field.required"])
    field: str | None = Field(default=None, examples=["applicant.id_number"])
    material: str | None = Field(default=None, examples=["BIRTH_MED_CERT"])
    message: str = Field(examples=["请填写申请人身份证号码"])


class Problem(BaseModel):
    """RFC 9457 problem document, with every problem listed at once in `problems`."""

    type: str = Field(default="about:blank", examples=["https://onevisit.gov.cn/problems/validation"])
    title: str = Field(examples=["提交的信息有误"])
    status: int = Field(examples=[422])
    detail: str | None = None
    code: str = Field(examples=["validation_failed"])
    instance: str | None = None
    problems: list[ProblemDetail] = Field(default_factory=list)


class OneVisitError(Exception):
    """Base of every domain error; subclasses set status, code and a Chinese title."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "请求有误"

    def __init__(self, detail: str | None = None, *, problems: list[ProblemDetail] | None = None, **extra: Any):
        super().__init__(detail or self.title)
        self.detail = detail
        self.problems = problems or []
        self.extra = extra

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        problem = Problem(
            type=f"https://onevisit.gov.cn/problems/{self.code}",
            title=self.title,
            status=self.status,
            detail=self.detail,
            code=self.code,
            instance=instance,
            problems=self.problems,
        ).model_dump(exclude_none=True)
        problem.update(self.extra)
        return problem


class NotFound(OneVisitError):
    status = 404
    code = "not_found"
    title = "未找到"


class Conflict(OneVisitError):
    status = 409
    code = "conflict"
    title = "状态冲突"


class ValidationFailed(OneVisitError):
    status = 422
    code = "validation_failed"
    title = "提交的信息有误"


class Unauthorized(OneVisitError):
    status = 401
    code = "unauthorized"
    title = "请先登录"


class Forbidden(OneVisitError):
    status = 403
    code = "forbidden"
    title = "无权访问"


class UpstreamUnavailable(OneVisitError):
    status = 503
    code = "upstream_unavailable"
    title = "服务暂时不可用，请稍后再试"


def problem_response(body: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


_PYDANTIC_MESSAGES = {
    "missing": "此项为必填项",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为是或否",
    "uuid_parsing": "编号格式不正确",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不正确",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "json_invalid": "请求体不是合法的 JSON",
    "dict_type": "应为对象",
    "list_type": "应为列表",
    "extra_forbidden": "不允许的字段",
    "date_from_datetime_parsing": "日期格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
}


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


def validation_problems(errors: list[dict[str, Any]]) -> list[ProblemDetail]:
    """Turn pydantic's errors into problems with Chinese messages (the English one is kept after)."""
    return [
        ProblemDetail(
            code=f"request.{err.get('type', 'invalid')}",
            field=_location(tuple(err.get("loc", ()))),
            message=f"{_PYDANTIC_MESSAGES.get(err.get('type', ''), '取值无效')}（{err.get('msg', '')}）",
        )
        for err in errors
    ]


def install_error_handlers(app: FastAPI) -> None:
    """Render every error as problem+json, never an HTML page or a bare 500 trace."""

    @app.exception_handler(OneVisitError)
    async def _domain_error(request: Request, exc: OneVisitError) -> JSONResponse:
        return problem_response(exc.to_problem(request.url.path), exc.status)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        error = ValidationFailed("请求内容有误，请按提示逐项修改", problems=validation_problems(list(exc.errors())))
        return problem_response(error.to_problem(request.url.path), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {404: "未找到", 405: "不支持该请求方法", 413: "请求内容过大", 401: "请先登录", 403: "无权访问"}
        title = titles.get(exc.status_code, "请求有误")
        # Starlette's own details ("Not Found", "Method Not Allowed") are its English status phrases:
        # the Chinese title says the same to a citizen; a detail someone wrote is kept.
        english_phrase = exc.status_code in _STATUS_PHRASES and exc.detail == _STATUS_PHRASES[exc.status_code]
        body = Problem(
            title=title,
            status=exc.status_code,
            detail=None if english_phrase or not exc.detail else str(exc.detail),
            code=f"http_{exc.status_code}",
            instance=request.url.path,
        ).model_dump(exclude_none=True)
        return problem_response(body, exc.status_code, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        import logging

        logging.getLogger("onevisit.errors").exception("unhandled error on %s", request.url.path)
        body = Problem(
            title="系统繁忙，请稍后再试",
            status=500,
            code="internal_error",
            instance=request.url.path,
        ).model_dump(exclude_none=True)
        return problem_response(body, 500)


_STATUS_PHRASES = {status.value: status.phrase for status in HTTPStatus}

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {
        "model": Problem,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        "description": "problem+json 错误",
    },
}
