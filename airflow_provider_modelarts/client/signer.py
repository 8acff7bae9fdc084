"""``SDK-HMAC-SHA256`` request signing, byte-identical to huaweicloudsdkcore 3.1.219's ``Signer``.

One pure function, :func:`sign_request`, serves the sync (``requests``) and async (``httpx``) clients alike.
It returns the headers to send and the exact query string to put on the URL (the SDK sends the canonical
query string as the real one, so signer and server see the same bytes).

Algorithm (see ``../shared/reference/modelarts-rest-api.md`` section 2.2):

* ``X-Sdk-Date`` (``%Y%m%dT%H%M%SZ``, UTC) and ``Host`` (netloc, port kept) are added when missing;
  ``X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`` when a Content-Type is present that is neither JSON nor BSON.
* Canonical URI: the path percent-decoded, split on ``/``, each segment encoded (only ``A-Za-z0-9-_.~`` kept),
  joined, with a trailing ``/``.
* Canonical query: pairs sorted by their *raw* (key, value) strings, as the SDK sorts them, then encoded and
  joined as ``k=v`` with ``&``; booleans are ``true``/``false``.
* Signed headers: every header whose name has no ``_``, lower-cased and sorted; canonical headers are
  ``name:value.strip()`` lines.
* Payload: SHA-256 hex of the body, ``UNSIGNED-PAYLOAD`` when that header is set, the empty hash without body.
* ``Authorization: SDK-HMAC-SHA256 Access={AK}, SignedHeaders={...}, Signature={hex HMAC-SHA256(SK, sts)}``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, unquote, urlsplit

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"

QueryValue = str | int | float | bool
QueryPairs = Iterable[tuple[str, QueryValue]]


def _encode(value: str) -> str:
    return quote(value, safe="~")


def _query_text(value: QueryValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def canonical_uri(path: str) -> str:
    """The signed form of a path: decoded, each segment re-encoded, with a trailing slash."""
    uri = "/".join(_encode(segment) for segment in unquote(path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(pairs: QueryPairs) -> str:
    """The canonical (and sent) query string. Repeated keys give several pairs."""
    items = sorted((str(k), _query_text(v)) for k, v in pairs)
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in items)


def encode_path(path: str) -> str:
    """Percent-encode a raw path for sending (segments encoded like the canonical URI, no trailing slash)."""
    return "/".join(_encode(segment) for segment in path.split("/"))


@dataclass(frozen=True)
class SignedRequest:
    """What to send: ``headers`` (input headers plus the signing headers) and the exact ``query`` string."""

    headers: dict[str, str]
    query: str
    canonical_request: str
    string_to_sign: str
    signature: str


def _get(headers: Mapping[str, str], name: str) -> str | None:
    low = name.lower()
    return next((v for k, v in headers.items() if k.lower() == low), None)


def sign_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    ak: str,
    sk: str,
    *,
    query: QueryPairs = (),
    now: datetime | None = None,
) -> SignedRequest:
    """Sign one request.

    :param method: HTTP method.
    :param url: scheme, host (with port) and path, already percent-encoded as it will be sent, no query.
    :param headers: headers to send and sign (``X-Project-Id``, ``Content-Type``, ``X-Security-Token`` ...).
    :param body: the exact body bytes, or None.
    :param ak: access key id
    :param sk: secret access key.
    :param query: query pairs (a key may repeat).
    :param now: signing time (default: now, UTC); ignored when ``headers`` already has ``X-Sdk-Date``.
    """
    if not ak or not sk:
        raise ValueError("AK and SK are required to sign a request.")
    out = {str(k): str(v) for k, v in headers.items()}
    content_type = _get(out, "Content-Type")
    if content_type and not content_type.startswith(("application/json", "application/bson")):
        out["X-Sdk-Content-Sha256"] = UNSIGNED_PAYLOAD
    date = _get(out, "X-Sdk-Date")
    if date is None:
        date = (now or datetime.now(UTC)).strftime(DATE_FORMAT)
        out["X-Sdk-Date"] = date
    parts = urlsplit(url)
    if _get(out, "Host") is None:
        out["Host"] = parts.netloc
    for key in list(out):
        out[key] = out[key].strip()

    signed = sorted(k.lower() for k in out if "_" not in k)
    lowered = {k.lower(): v for k, v in out.items()}
    canonical_headers = "".join(f"{name}:{lowered[name]}\n" for name in signed)
    if not body:
        payload_hash = EMPTY_SHA256
    else:
        payload_hash = _get(out, "X-Sdk-Content-Sha256") or hashlib.sha256(body).hexdigest()
    query_string = canonical_query(query)
    canonical_request = "\n".join(
        [method.upper(), canonical_uri(parts.path or "/"), query_string, canonical_headers, ";".join(signed),
         payload_hash]
    )
    string_to_sign = "\n".join([ALGORITHM, date, hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()])
    signature = hmac.new(sk.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    out["Authorization"] = f"{ALGORITHM} Access={ak}, SignedHeaders={';'.join(signed)}, Signature={signature}"
    return SignedRequest(out, query_string, canonical_request, string_to_sign, signature)
