"""Authentication of ModelArts calls: IAM tokens (``X-Auth-Token``) and AK/SK ``SDK-HMAC-SHA256`` signatures.

The signature check is an independent standard-library implementation of what huaweicloudsdkcore 3.1.219 signs
(reference ``modelarts-rest-api.md`` §2.2); the SDK is only used by the tests, as the oracle client. The request
is verified against its **own** ``SignedHeaders`` list:

* canonical URI: the raw path percent-decoded, split on ``/``, every segment re-encoded (only ``A-Z a-z 0-9 - _ . ~``
  stay as they are), plus a trailing ``/``;
* canonical query: every (key, value) pair of the query string, sorted by the *decoded* key then value (as
  huaweicloudsdkcore and Huawei's APIG signers sort, before encoding), encoded the same way, joined as ``k=v``
  with ``&`` (the reference says "sorted by encoded key"; that differs for keys such as ``a.`` and ``a/``, and the
  SDK, which the real gateway accepts, sorts the raw pairs);
* canonical headers: ``name:value.strip()`` for each signed header, each followed by ``\\n``;
* payload: the SHA-256 of the empty string when there is no body, else the ``X-Sdk-Content-Sha256`` value when
  present (``UNSIGNED-PAYLOAD``), else the SHA-256 of the body.

Errors (choices documented here because the reference leaves some open):

* no credential at all: 401 ``ModelArts.0201``; unknown or garbled token: 401 ``ModelArts.0203``; expired token:
  401 ``ModelArts.0202``; token without a project scope: 401 ``ModelArts.0207``;
* any AK/SK problem (unknown AK, bad signature, missing signed header, ``host``/``x-sdk-date`` not signed, date
  unparseable or more than 15 minutes off the real wall clock, security token mismatch): 401 ``APIG.0301`` in the
  API-gateway shape ``{"error_code", "error_msg": "Incorrect IAM authentication information: ...", "request_id"}``;
* a credential for another project than the ``{project_id}`` of the path (or an ``X-Project-Id`` header that
  differs from it): 403 ``ModelArts.0210``.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from airflow_provider_modelarts.emulator.http import ApiError, Headers, Request

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.state import Emulator

ALGORITHM = "SDK-HMAC-SHA256"
EMPTY_HASH = hashlib.sha256(b"").hexdigest()
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_SKEW_SECONDS = 15 * 60
_AUTH_RE = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=(?P<ak>[^,\s]+),\s*SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<sig>[0-9a-fA-F]+)\s*$"
)

#: Looks up the configuration entry (``{"ak", "sk", "projects", "security_token"?}``) of an access key.
KeyLookup = Callable[[str], "dict[str, Any] | None"]


# ---- errors ---------------------------------------------------------------------------------------------------
def apig_error(reason: str) -> ApiError:
    """The API-gateway answer to a failed AK/SK check (401 ``APIG.0301``).

    :param reason: what was wrong, appended to the gateway's fixed message.
    """
    return ApiError(401, "APIG.0301", f"Incorrect IAM authentication information: {reason}")


def project_mismatch(project_id: str) -> ApiError:
    """403 ``ModelArts.0210``: the credential does not own the project of the URL."""
    return ApiError(403, "ModelArts.0210",
                    f"The project id {project_id} in the request URL does not match the token or the access key.")


# ---- signing computation (shared by every verification) -------------------------------------------------------
def encode(value: str) -> str:
    """RFC 3986 encoding as the SDK does it (``quote(s, safe='~')``): only unreserved characters stay."""
    return quote(value, safe="~")


def canonical_uri(raw_path: str) -> str:
    """The path decoded, re-encoded segment by segment, with a trailing ``/``.

    :param raw_path: the path as sent on the wire (percent-encoded or not).
    """
    uri = "/".join(encode(segment) for segment in unquote(raw_path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """``k=v`` pairs sorted by decoded key then value, then encoded, joined by ``&``.

    :param pairs: decoded (key, value) pairs, repeated keys allowed.
    """
    return "&".join(f"{encode(k)}={encode(v)}" for k, v in sorted(pairs))


def payload_hash(body: bytes, content_sha256: str | None) -> str:
    """The last line of the canonical request.

    :param body: the request body bytes.
    :param content_sha256: the ``X-Sdk-Content-Sha256`` header value, if any.
    """
    if not body:
        return EMPTY_HASH
    if content_sha256:
        return content_sha256
    return hashlib.sha256(body).hexdigest()


def canonical_request(method: str, raw_path: str, query_pairs: Iterable[tuple[str, str]],
                      header_values: dict[str, str], signed_headers: list[str], body: bytes) -> str:
    """Build the canonical request of ``SDK-HMAC-SHA256``.

    :param method: HTTP method.
    :param raw_path: path as sent (``req.raw_path``).
    :param query_pairs: decoded query pairs.
    :param header_values: lower-cased header name -> value (values as the client meant them, see :func:`wire_value`).
    :param signed_headers: lower-cased names of the signed headers, in the order of ``SignedHeaders``.
    :param body: request body.
    """
    headers_block = "".join(f"{name}:{header_values[name].strip()}\n" for name in signed_headers)
    return "\n".join([
        method.upper(),
        canonical_uri(raw_path),
        canonical_query(query_pairs),
        headers_block,
        ";".join(signed_headers),
        payload_hash(body, header_values.get("x-sdk-content-sha256")),
    ])


def string_to_sign(canonical: str, sdk_date: str) -> str:
    """``SDK-HMAC-SHA256\\n{date}\\n{sha256(canonical request)}``."""
    return f"{ALGORITHM}\n{sdk_date}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def sign(sk: str, to_sign: str) -> str:
    """Lower-hex HMAC-SHA256 keyed by the SK (no key derivation)."""
    return hmac.new(sk.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def wire_value(value: str) -> str:
    """A header value as the client meant it: the SDK sends UTF-8 bytes, which ``http.server`` reads as Latin-1."""
    try:
        return value.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def parse_sdk_date(value: str | None) -> float:
    """Epoch seconds of an ``X-Sdk-Date`` value (``YYYYMMDDTHHMMSSZ``, UTC); APIG.0301 when unparseable."""
    if not value:
        raise apig_error("x-sdk-date is missing")
    try:
        return float(calendar.timegm(time.strptime(value, DATE_FORMAT)))
    except ValueError:
        raise apig_error(f"x-sdk-date {value!r} is not in the format YYYYMMDDTHHMMSSZ") from None


def parse_authorization(value: str) -> tuple[str, list[str], str]:
    """Split ``SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`` into (ak, signed headers, signature)."""
    m = _AUTH_RE.match(value.strip())
    if not m:
        raise apig_error("the Authorization header is not a valid SDK-HMAC-SHA256 signature header")
    signed = [h for h in m.group("signed").lower().split(";") if h]
    return m.group("ak"), signed, m.group("sig").lower()


def verify_signature(req: Request, lookup: KeyLookup, *, now: float | None = None) -> dict[str, Any]:
    """Verify an ``SDK-HMAC-SHA256`` request and return the configuration entry of its access key.

    A pure function of the request, the key lookup and the time, so the tests can check the published vectors.

    :param req: the request (its ``Authorization`` header must be present).
    :param lookup: access key -> ``{"ak", "sk", "projects", "security_token"?}`` or None.
    :param now: wall-clock epoch seconds used for the 15-minute skew check (default ``time.time()``; only tests
        pass another value).
    :raises ApiError: 401 ``APIG.0301`` for every signature problem.
    """
    ak, signed_headers, signature = parse_authorization(req.headers.get("Authorization") or "")
    key = lookup(ak)
    if key is None:
        raise apig_error(f"ak {ak} not found")
    for required in ("host", "x-sdk-date"):
        if required not in signed_headers:
            raise apig_error(f"header {required} must be signed")
    values: dict[str, str] = {}
    for name in signed_headers:
        raw = req.headers.get(name)
        if raw is None:
            raise apig_error(f"signed header {name} is missing from the request")
        values[name] = wire_value(raw)
    sdk_date = values["x-sdk-date"].strip()
    skew = abs((time.time() if now is None else now) - parse_sdk_date(sdk_date))
    if skew > MAX_SKEW_SECONDS:
        raise apig_error(f"x-sdk-date {sdk_date} is more than 15 minutes away from the server time")
    canonical = canonical_request(req.method, req.raw_path, req.query_pairs, values, signed_headers, req.body)
    expected = sign(str(key["sk"]), string_to_sign(canonical, sdk_date))
    if not hmac.compare_digest(expected, signature):
        raise apig_error("verify aksk signature fail")
    _check_security_token(req.headers, key)
    return key


def _check_security_token(headers: Headers, key: dict[str, Any]) -> None:
    """Temporary credentials need their ``X-Security-Token``; permanent ones must not send one."""
    sent = headers.get("X-Security-Token")
    expected = key.get("security_token")
    if expected:
        if not sent or not hmac.compare_digest(wire_value(sent).encode(), str(expected).encode()):
            raise apig_error("the security token is missing or does not match the temporary access key")
    elif sent:
        raise apig_error("a security token was sent with a permanent access key")


# ---- tokens --------------------------------------------------------------------------------------------------
def verify_token(token: str, emu: Emulator) -> dict[str, Any]:
    """The record of an IAM token issued by the emulator.

    :raises ApiError: 401 ``ModelArts.0203`` (unknown/garbled), ``ModelArts.0202`` (expired),
        ``ModelArts.0207`` (no project scope).
    """
    record = emu.tokens.get(token.strip())
    if record is None:
        raise ApiError(401, "ModelArts.0203", "Invalid token.")
    if time.time() >= float(record["expires_at"]):
        raise ApiError(401, "ModelArts.0202", "Invalid token header because the token has expired.")
    return record


# ---- entry points --------------------------------------------------------------------------------------------
def identify(req: Request, emu: Emulator) -> dict[str, Any]:
    """Authenticate the credential of a request without any project check.

    :returns: the identity ``{"type": "token"|"aksk", "projects": [...], "user"|"ak": ..., "domain"?: ...}``.
    :raises ApiError: 401 when there is no valid credential.
    """
    token = req.headers.get("X-Auth-Token")
    if token:
        record = verify_token(token, emu)
        projects = [record["project_id"]] if record.get("project_id") else []
        return {"type": "token", "projects": projects, "user": record["user"], "domain": record["domain"],
                "user_id": record.get("user_id"), "domain_id": record.get("domain_id")}
    authorization = req.headers.get("Authorization")
    if authorization:
        key = verify_signature(req, emu.access_key)
        return {"type": "aksk", "projects": list(key.get("projects", [])), "ak": key["ak"],
                "domain": key.get("domain")}
    raise ApiError(401, "ModelArts.0201", "Token doesn't exist.")


def authenticate(req: Request, emu: Emulator) -> None:
    """Authenticate a ModelArts request and enforce project isolation.

    Sets ``req.identity`` always and ``req.project_id`` to the path's ``{project_id}`` (``None`` for routes without
    one, such as inference, whose handlers check ownership against ``req.identity["projects"]``).

    :raises ApiError: 401 for a missing/invalid credential, 403 ``ModelArts.0210`` for another project.
    """
    identity = identify(req, emu)
    req.identity = identity
    path_project = req.params.get("project_id")
    header_project = req.headers.get("X-Project-Id")
    if identity["type"] == "token" and not identity["projects"]:
        raise ApiError(401, "ModelArts.0207", "The token must contain project info.")
    if path_project is None:
        if header_project and header_project not in identity["projects"]:
            raise project_mismatch(header_project)
        req.project_id = None
        return
    if path_project not in identity["projects"] or (header_project and header_project != path_project):
        raise project_mismatch(path_project)
    req.project_id = path_project
