"""Typed errors of the ModelArts client.

``ModelArtsApiError.from_response`` understands every error body shape the service uses: generic
``error_code``/``error_msg``, v2 training's extra ``error_solution``, v1's ``is_success``/``error_message``,
the API gateway's ``APIG.*`` codes and IAM's ``{"error": {"code", "message", "title"}}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

#: Codes the service answers for a missing resource, often with HTTP 400 rather than 404.
NOT_FOUND_CODES = frozenset({
    "ModelArts.2775", "ModelArts.2755", "ModelArts.2783", "ModelArts.2782", "ModelArts.2781", "ModelArts.2780",
    "ModelArts.4352", "ModelArts.4353", "ModelArts.4359", "ModelArts.4420", "ModelArts.4612", "ModelArts.4700",
    "ModelArts.4619", "ModelArts.3001", "ModelArts.3502", "ModelArts.3507", "ModelArts.2836",
})
CONFLICT_CODES = frozenset({"ModelArts.2796", "ModelArts.2878", "ModelArts.3002", "ModelArts.3503",
                            "ModelArts.5044", "ModelArts.0103"})
THROTTLE_CODES = frozenset({"ModelArts.2799", "ModelArts.4206", "ModelArts.4395", "ModelArts.6101"})


class ModelArtsError(Exception):
    """Base of every error raised by the client."""


class ModelArtsApiError(ModelArtsError):
    """The service answered with an error.

    :param status: HTTP status code (0 when no answer came back).
    :param error_code: ModelArts (or APIG / IAM) error code.
    :param error_msg: the service's message.
    :param request_id: ``X-Request-Id`` of the answer, for support cases.
    :param error_solution: v2 training's suggested fix, when given.
    :param operation: what was being done (``training_v2.create`` ...).
    """

    def __init__(self, status: int, error_code: str | None, error_msg: str | None, request_id: str | None = None,
                 error_solution: str | None = None, operation: str | None = None) -> None:
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.error_solution = error_solution
        self.operation = operation
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"ModelArts {self.operation or 'request'} failed: HTTP {self.status}"
        if self.error_code:
            text += f" {self.error_code}"
        if self.error_msg:
            text += f": {self.error_msg}"
        if self.error_solution:
            text += f" (solution: {self.error_solution})"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.status, self.error_code, self.error_msg, self.request_id, self.error_solution,
                             self.operation))

    @classmethod
    def from_response(cls, status: int, body: bytes | str | None, headers: Mapping[str, str] | None = None,
                      operation: str | None = None) -> ModelArtsApiError:
        """Build the most specific error class for an error answer."""
        code, msg, solution = _parse_error_body(body)
        request_id = None
        if headers:
            request_id = next((v for k, v in headers.items() if k.lower() == "x-request-id"), None)
        error_cls = error_class_for(status, code)
        return error_cls(status, code, msg, request_id, solution, operation)


class ModelArtsNotFoundError(ModelArtsApiError):
    """The resource does not exist (404, or 400 with a not-found code)."""


class ModelArtsConflictError(ModelArtsApiError):
    """The request conflicts with the resource's state or an existing name (409 and friends)."""


class ModelArtsThrottledError(ModelArtsApiError):
    """Too many requests (429)."""


class ModelArtsAuthError(ModelArtsApiError):
    """Authentication or authorization failed (401/403, APIG signature errors)."""


class ModelArtsServerError(ModelArtsApiError):
    """The service failed (5xx)."""


class ModelArtsConnectionError(ModelArtsError):
    """No answer: the connection failed or timed out after the retries."""


class ModelArtsAmbiguousError(ModelArtsError):
    """A non-idempotent request (a create) failed in a way that does not tell whether the service acted.

    :param operation: the operation
    :param cause: the answer or connection error behind it.
    Callers reconcile: look the resource up by its deterministic name, reattach, or create again.
    """

    def __init__(self, operation: str, cause: BaseException) -> None:
        self.operation = operation
        self.cause = cause
        super().__init__(f"ModelArts {operation}: outcome unknown after {cause}")


def error_class_for(status: int, code: str | None) -> type[ModelArtsApiError]:
    if code in NOT_FOUND_CODES or status == 404:
        return ModelArtsNotFoundError
    if code in THROTTLE_CODES or status == 429:
        return ModelArtsThrottledError
    if code in CONFLICT_CODES or status == 409:
        return ModelArtsConflictError
    if status in (401, 403) or (code or "").startswith("APIG.03"):
        return ModelArtsAuthError
    if status >= 500:
        return ModelArtsServerError
    return ModelArtsApiError


def _parse_error_body(body: bytes | str | None) -> tuple[str | None, str | None, str | None]:
    if body is None or body == b"" or body == "":
        return None, None, None
    try:
        data = json.loads(body)
    except (ValueError, TypeError):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        return None, text[:500], None
    return _find_error(data)


def _find_error(data: Any) -> tuple[str | None, str | None, str | None]:
    if not isinstance(data, dict):
        return None, None, None
    if isinstance(data.get("error"), dict):  # IAM: {"error": {"code": 401, "message": ..., "title": ...}}
        inner = data["error"]
        code = inner.get("error_code") or inner.get("code")
        return (str(code) if code is not None else None,
                inner.get("error_msg") or inner.get("message") or inner.get("title"), None)
    code = data.get("error_code") or data.get("errorCode") or data.get("code")
    msg = data.get("error_msg") or data.get("error_message") or data.get("errorMsg") or data.get("message")
    if code is None and msg is None:
        for value in data.values():  # nested shapes, as huaweicloudsdkcore also looks inside dicts
            found = _find_error(value)
            if found[0] or found[1]:
                return found
    return (str(code) if code is not None else None, str(msg) if msg is not None else None,
            data.get("error_solution"))
