"""Open311 answers in GeoReport v2's two formats: JSON, and XML shaped as the spec shows it.

Errors are not problem+json here: Open311 clients expect the spec's error list, in the format
they asked for (`[{"code": 400, "description": "..."}]` or `<errors><error>...`), one entry per
problem.
"""

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

MEDIA_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# XML is the one format the spec requires, so answers for an unknown format are in XML.
FALLBACK_FORMAT = "xml"
# In XML each element of a list is named after the list (<services><service>...).
XML_ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "errors": "error",
}


class Open311Error(Exception):
    """An answer in the spec's error format: one HTTP status, one entry per problem."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = descriptions

    def body(self) -> list[dict[str, Any]]:
        return [{"code": self.status, "description": text} for text in self.descriptions]


def check_format(format_: str) -> str:
    if format_ not in MEDIA_TYPES:
        raise Open311Error(404, f"不支持的格式 {format_}，请使用 .json 或 .xml")
    return format_


def _xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list):
        for child in value:
            _fill(ET.SubElement(element, XML_ITEM_NAMES[element.tag]), child)
    else:
        element.text = _xml_text(value)


def to_xml(root: str, body: Any) -> str:
    element = ET.Element(root)
    _fill(element, body)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")


def render(format_: str, root: str, body: Any, status: int = 200) -> Response:
    """`body` as JSON, or as XML under the element `root` (its JSON form has no root)."""
    if format_ == "json":
        content = json.dumps(body, ensure_ascii=False)
    else:
        content = to_xml(root, body)
    return Response(content, status_code=status, media_type=MEDIA_TYPES[format_])


def render_error(format_: str | None, error: Open311Error) -> Response:
    known = format_ if format_ in MEDIA_TYPES else FALLBACK_FORMAT
    return render(known, "errors", error.body(), status=error.status)


class Open311Route(APIRoute):
    """Renders an Open311Error raised by an endpoint in the format of the path (`.json`, `.xml`)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except Open311Error as error:
                return render_error(request.path_params.get("format"), error)
            except RequestValidationError as error:  # a form FastAPI could not read (all fields are text)
                problems = [f"{'.'.join(map(str, problem['loc'][1:]))}: {problem['msg']}" for problem in error.errors()]
                return render_error(request.path_params.get("format"), Open311Error(400, *problems))

        return answer
