"""Identity providers: who a login is. `dev` trusts what it is told (development settings only);
`HttpIdentityProvider` asks an external identity service (e.g. the mini-program platform's
code-to-identity exchange behind a government identity hub)."""

import re
from typing import Protocol

import httpx

from gateway.auth.schemas import LoginRequest
from onevisit.auth import Identity
from onevisit.errors import OneVisitError, ProblemDetail, Unauthorized, UpstreamUnavailable, ValidationFailed

RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")


class UnknownProvider(OneVisitError):
    status = 400
    code = "unknown_identity_provider"
    title = "不支持的登录方式"


class LoginRefused(Unauthorized):
    code = "login_refused"
    title = "登录失败"


class IdentityProvider(Protocol):
    name: str

    async def authenticate(self, login: LoginRequest) -> Identity:
        """Who this login is, or LoginRefused / ValidationFailed."""
        ...


class DevIdentityProvider:
    """Development only: the identity is the one in the body, after a format check."""

    name = "dev"

    async def authenticate(self, login: LoginRequest) -> Identity:
        problems = []
        subject = (login.subject or "").strip().upper() if login.role in {"citizen", "company"} else login.subject
        if not subject:
            problems.append(ProblemDetail(code="login.subject_required", field="subject", message="请填写登录主体"))
        elif login.role == "citizen" and not RESIDENT_ID.match(subject):
            problems.append(
                ProblemDetail(
                    code="login.resident_id_invalid", field="subject", message="个人登录须使用 18 位居民身份证号码"
                )
            )
        elif login.role == "company" and not CREDIT_CODE.match(subject):
            problems.append(
                ProblemDetail(
                    code="login.credit_code_invalid", field="subject", message="企业登录须使用 18 位统一社会信用代码"
                )
            )
        if login.role == "department" and not login.department:
            problems.append(
                ProblemDetail(
                    code="login.department_required", field="department", message="部门人员登录须填写部门代码"
                )
            )
        if login.role != "department" and login.department:
            problems.append(
                ProblemDetail(
                    code="login.department_not_allowed", field="department", message="只有部门人员可以绑定部门"
                )
            )
        if login.phone and not MOBILE.match(login.phone):
            problems.append(ProblemDetail(code="login.phone_invalid", field="phone", message="手机号码格式不正确"))
        if problems:
            raise ValidationFailed("登录信息有误", problems=problems)
        assert subject is not None
        return Identity(
            subject=subject, role=login.role, name=login.name, phone=login.phone, department=login.department
        )


class HttpIdentityProvider:
    """Exchanges a login code with an external identity service:
    `POST {url}` `{"code": ...}` → `{"subject", "role", "name"?, "phone"?, "department"?}`."""

    def __init__(self, name: str, url: str, *, timeout: float, transport: httpx.AsyncBaseTransport | None = None):
        self.name = name
        self.url = url
        self._client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def authenticate(self, login: LoginRequest) -> Identity:
        if not login.code:
            raise ValidationFailed(
                "登录信息有误",
                problems=[ProblemDetail(code="login.code_required", field="code", message="请提供小程序登录凭证 code")],
            )
        try:
            answer = await self._client.post(self.url, json={"code": login.code})
        except httpx.HTTPError as exc:
            raise UpstreamUnavailable("身份认证服务暂时不可用", service="identity") from exc
        if answer.status_code in (400, 401, 403, 404):
            raise LoginRefused("登录凭证无效或已失效")
        if answer.status_code != 200:
            raise UpstreamUnavailable("身份认证服务暂时不可用", service="identity")
        try:
            identity = Identity.model_validate(answer.json())
        except ValueError as exc:
            raise UpstreamUnavailable("身份认证服务返回了无法识别的身份", service="identity") from exc
        if identity.role == "system":
            # Systems authenticate with API keys; a person never becomes one by logging in.
            raise LoginRefused("该身份不能通过登录获得")
        return identity

    async def close(self) -> None:
        await self._client.aclose()


class IdentityProviders:
    """The providers this gateway offers, by name."""

    def __init__(self, providers: list[IdentityProvider]):
        self._providers = {provider.name: provider for provider in providers}

    def get(self, name: str) -> IdentityProvider:
        provider = self._providers.get(name)
        if provider is None:
            offered = "、".join(sorted(self._providers)) or "无"
            raise UnknownProvider(f"不支持登录方式 {name}（可用：{offered}）")
        return provider

    async def close(self) -> None:
        for provider in self._providers.values():
            if isinstance(provider, HttpIdentityProvider):
                await provider.close()
