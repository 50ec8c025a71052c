"""The OpenAPI document as the models write it.

FastAPI serialises its document with `exclude_none`, which also strips every `null` out of the
models' examples: a required field whose example value is null vanishes, and the example no
longer matches its own schema. Developers of the mini-program and the departments read these
examples, so the document is built as usual and then each component's examples are put back
exactly as the model declares them.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel


def keep_null_examples(app: FastAPI) -> None:
    """Make `app.openapi()` return the document with the models' own examples, nulls included."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            components = document.get("components", {}).get("schemas", {})
            for name, examples in _declared_examples(app).items():
                if name in components and "examples" in components[name]:
                    components[name]["examples"] = examples
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def _declared_examples(app: FastAPI) -> dict[str, list[Any]]:
    """Component name → examples, for every model a route takes or returns and the models inside them."""
    found: dict[str, list[Any]] = {}
    for model in _route_models(app):
        for mode in ("validation", "serialization"):
            schema = model.model_json_schema(mode=mode)
            for name, definition in {model.__name__: schema, **schema.get("$defs", {})}.items():
                if "examples" in definition:
                    found.setdefault(name, definition["examples"])
    return found


def _api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """Every APIRoute, also inside the routers FastAPI keeps as included (`original_router`)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (router := getattr(route, "original_router", None)) is not None:
            yield from _api_routes(router.routes)


def _route_models(app: FastAPI) -> Iterator[type[BaseModel]]:
    for route in _api_routes(app.routes):
        candidates = [route.response_model, *(field.field_info.annotation for field in route.dependant.body_params)]
        for response in route.responses.values():
            candidates.append(response.get("model"))
        for candidate in candidates:
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                yield candidate
