"""problem+json for every refusal, in Chinese: FastAPI's and Starlette's own answers included."""

import httpx
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from onevisit.errors import PROBLEM_MEDIA_TYPE, install_error_handlers


class Body(BaseModel):
    name: str
    age: int


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/things")
    async def create(body: Body) -> dict:
        return body.model_dump()

    @app.get("/teapot")
    async def teapot() -> dict:
        raise HTTPException(status_code=409, detail="该办件已提交，不能再修改")

    return app


async def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://test")


async def test_an_unknown_path_or_method_answers_in_chinese_without_starlettes_english() -> None:
    async with await _client() as client:
        missing = await client.get("/nowhere")
        wrong_method = await client.delete("/things")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    assert missing.json() == {
        "type": "about:blank",
        "title": "未找到",
        "status": 404,
        "code": "http_404",
        "instance": "/nowhere",
        "problems": [],
    }
    assert wrong_method.status_code == 405 and wrong_method.json()["title"] == "不支持该请求方法"
    assert "detail" not in wrong_method.json()


async def test_a_written_detail_is_kept_and_every_field_problem_is_listed_at_once() -> None:
    async with await _client() as client:
        conflict = await client.get("/teapot")
        invalid = await client.post("/things", json={"age": "old"})
    assert conflict.json()["detail"] == "该办件已提交，不能再修改"
    assert invalid.status_code == 422
    fields = sorted(problem["field"] for problem in invalid.json()["problems"])
    assert fields == ["age", "name"]
