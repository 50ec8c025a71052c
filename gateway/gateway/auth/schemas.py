"""Login, refresh and logout bodies and the token answer."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class LoginRequest(BaseModel):
    """A login: the `dev` provider takes the identity as given (development only); production
    providers take a mini-program login `code` and ask the identity service who it is."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "dev",
                    "subject": "11010519491231002X",
                    "name": "张三",
                    "phone": "13800138000",
                    "role": "citizen",
                },
                {"provider": "dev", "subject": "staff-0001", "name": "李四", "role": "department", "department": "GA"},
            ]
        }
    )

    provider: str = Field(examples=["dev"])
    subject: str | None = Field(default=None, max_length=100, description="resident ID, USCC or staff id")
    name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=20)
    role: Literal["citizen", "company", "clerk", "department", "ops"] = "citizen"
    department: str | None = Field(default=None, max_length=64, description="department code, for `department`")
    code: str | None = Field(default=None, max_length=512, description="mini-program login code (production)")


class TokenResponse(BaseModel):
    """A short-lived access token, and a refresh token that is exchanged once for new ones."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMTAxMDUxOTQ5MTIzMTAwMlgifQ.c2lnbmF0dXJl",
                    "token_type": "bearer",
                    "expires_in": 900,
                    "refresh_token": "r1-3q2xZk8vYt0bN4mW7pLs9dHf",
                    "refresh_expires_in": 604800,
                    "role": "citizen",
                }
            ]
        }
    )

    access_token: str = Field(examples=["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9..."])
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds the access token stays valid", examples=[900])
    refresh_token: str = Field(examples=["r1-3q2x…"])
    refresh_expires_in: int = Field(examples=[604800])
    role: str = Field(examples=["citizen"])


class RefreshRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"refresh_token": "r1-3q2xZk8vYt0bN4mW7pLs9dHf"}]})

    refresh_token: str = Field(min_length=10, max_length=200, examples=["r1-3q2x…"])


class LogoutRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"refresh_token": "r1-3q2xZk8vYt0bN4mW7pLs9dHf"}]})

    refresh_token: str | None = Field(default=None, max_length=200, examples=["r1-3q2x…"])


# GET /me answers onevisit.auth.Identity, a shared model: its example is given on the route.
IDENTITY_EXAMPLE = {
    "subject": "11010519491231002X",
    "role": "citizen",
    "name": "张三",
    "phone": "13800138000",
    "scopes": [],
}
