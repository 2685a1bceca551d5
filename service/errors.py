"""Every error a client sees is an RFC 9457 problem document (application/problem+json)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Example

from service import log

logger = log.get(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


class FieldError(msgspec.Struct, frozen=True):
    field: str | None
    source: str | None
    message: str


class Problem(msgspec.Struct, frozen=True, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    """Raised by handlers for a precise client error with its own code."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def not_found(what: str) -> ProblemError:
    return ProblemError(404, "not_found", f"{what} does not exist")


def bad_param(name: str, message: str) -> ProblemError:
    return ProblemError(
        400,
        "invalid_parameter",
        f"the parameter {name!r} is not valid: {message}",
        errors=[FieldError(field=name, source="query", message=message)],
    )


def _request_id(request: Request[Any, Any, Any]) -> str | None:
    value = request.scope.get("state", {}).get("request_id")
    return value if isinstance(value, str) else None


def problem_response(
    request: Request[Any, Any, Any],
    *,
    status: int,
    code: str,
    detail: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Problem]:
    body = Problem(
        type=f"/problems/{code.replace('_', '-')}",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        code=code,
        instance=request.url.path,
        request_id=_request_id(request),
        errors=errors,
    )
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _validation_errors(exc: ValidationException) -> list[FieldError]:
    found: list[FieldError] = []
    if isinstance(exc.extra, list):
        for item in exc.extra:
            if isinstance(item, dict):
                found.append(
                    FieldError(
                        field=item.get("key"),
                        source=item.get("source"),
                        message=str(item.get("message")),
                    )
                )
    return found


def handle_problem(request: Request[Any, Any, Any], exc: ProblemError) -> Response[Problem]:
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        detail=exc.detail,
        errors=exc.errors,
        headers=exc.headers,
    )


def handle_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Problem]:
    if isinstance(exc, ValidationException):
        errors = _validation_errors(exc)
        detail = "; ".join(
            f"{e.field}: {e.message}" if e.field else e.message for e in errors
        ) or str(exc.detail)
        return problem_response(
            request, status=400, code="validation_error", detail=detail, errors=errors
        )
    if isinstance(exc, NotFoundException):
        return problem_response(request, status=404, code="not_found", detail="no such resource")
    status = exc.status_code
    if status >= 500:
        logger.error("server error", error=str(exc.detail))
        return problem_response(
            request, status=status, code="server_error", detail="the server failed"
        )
    code = HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    return problem_response(
        request, status=status, code=code, detail=str(exc.detail), headers=exc.headers
    )


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    # One line with the request id; the client gets no traceback and no SQL.
    logger.exception("unhandled error", path=request.url.path)
    return problem_response(
        request,
        status=500,
        code="server_error",
        detail="the server failed; the request id identifies it",
    )


exception_handlers: dict[type[Exception] | int, Any] = {
    ProblemError: handle_problem,
    HTTPException: handle_http,
    Exception: handle_unexpected,
}


_DESCRIPTIONS = {
    400: "The request is malformed: a parameter or field is missing, unknown or out of range.",
    401: (
        "No valid API key: missing, malformed, unknown, revoked or expired, all answered alike, "
        "with `WWW-Authenticate`."
    ),
    403: "The API key is valid but lacks the scope this operation requires.",
    404: "No such resource.",
    409: (
        "The resource is not in a state that allows this (the detail says why), or a request "
        "with the same `Idempotency-Key` is still running; retry shortly."
    ),
    422: (
        "The request is well-formed but a value cannot be used (e.g. not an http(s) URL, or an "
        "`Idempotency-Key` already used for another request)."
    ),
    429: "Over the rate limit: `Retry-After` says in how many seconds to try again.",
    500: "The server failed; the request id in the body and in X-Request-ID identifies it.",
    503: "The database is not reachable; retry shortly.",
}

_EXAMPLES: dict[int, tuple[str, str, list[FieldError] | None]] = {
    400: (
        "validation_error",
        "limit: Expected `int` <= 200",
        [FieldError(field="limit", source="query", message="Expected `int` <= 200")],
    ),
    404: ("not_found", "article 987654 does not exist", None),
    409: ("not_reprocessable", "article 7: not parsed or failed with a stored page", None),
    422: (
        "invalid_url",
        "only http and https URLs are accepted",
        [FieldError(field="url", source="body", message="only http and https URLs are accepted")],
    ),
    # The codes the partner-access guards answer with, so their examples read true once added.
    401: ("unauthorized", "a valid API key is required", None),
    403: ("insufficient_scope", "this operation needs an API key with the write scope", None),
    429: ("rate_limited", "over the rate limit; retry after 12 s", None),
    500: ("server_error", "the server failed; the request id identifies it", None),
    503: ("database_unavailable", "the database is not reachable", None),
}


def _example(status: int) -> Example:
    code, detail, errors = _EXAMPLES.get(
        status,
        (
            HTTPStatus(status).phrase.lower().replace(" ", "_"),
            _DESCRIPTIONS.get(status, HTTPStatus(status).description),
            None,
        ),
    )
    body = Problem(
        type=f"/problems/{code.replace('_', '-')}",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        code=code,
        instance="/v1/articles",
        request_id="4bf92f3577b34da6a3ce929d0e0e4736",
        errors=errors,
    )
    return Example(summary=HTTPStatus(status).phrase, value=msgspec.to_builtins(body))


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI descriptions of the problem documents an operation may answer with (500 always)."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=_DESCRIPTIONS.get(status, HTTPStatus(status).phrase),
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
            examples=[_example(status)],
        )
        for status in sorted({*statuses, 500})
    }
