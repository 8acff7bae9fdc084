"""The retry policy, one set of rules for the sync and the async client.

* 429 and 5xx (500, 502, 503, 504) answers and connection failures are *transient*: retried up to
  ``max_retries`` times with exponential backoff and full jitter (``backoff * 2**attempt``, capped at
  ``backoff_max``), honouring ``Retry-After`` (seconds) when the service sends it.
* A request that is not idempotent (a create ``POST``) is only re-sent when it certainly did not act:
  a 429 (the API gateway throttled it before the service saw it) or a connection that was never
  established. After an *ambiguous* failure (a 5xx, a reset or a read timeout after the request went out)
  it is not blindly re-sent: :class:`~.errors.ModelArtsAmbiguousError` is raised so the caller can look the
  resource up by its deterministic name and reattach, or create again only if nothing is found.
* A 401 on token auth drops the cached token and retries once with a fresh one.
* Any other 4xx fails at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Decision:
    """``action`` is ``retry`` (after ``delay`` seconds), ``ambiguous`` or ``fail``."""

    action: str
    delay: float = 0.0


@dataclass
class RetryPolicy:
    """:param max_retries: retries after the first try
    :param backoff: base seconds
    :param backoff_max: cap."""

    max_retries: int = 5
    backoff: float = 0.5
    backoff_max: float = 30.0
    rng: random.Random | None = None

    def backoff_delay(self, attempt: int, retry_after: str | None = None) -> float:
        if retry_after:
            try:
                return min(max(float(retry_after), 0.0), self.backoff_max)
            except ValueError:
                pass
        cap = min(self.backoff_max, self.backoff * (2 ** attempt))
        return (self.rng or random).uniform(0, cap)

    def on_status(self, status: int, *, attempt: int, idempotent: bool, retry_after: str | None = None) -> Decision:
        """What to do after an error answer (``attempt`` counts from 0). 401 refreshes are the client's."""
        if status not in TRANSIENT_STATUSES:
            return Decision("fail")
        if status != 429 and not idempotent:
            return Decision("ambiguous")
        if attempt >= self.max_retries:
            return Decision("fail")
        return Decision("retry", self.backoff_delay(attempt, retry_after))

    def on_connection_error(self, *, attempt: int, idempotent: bool, sent: bool) -> Decision:
        """What to do after a connection failure; ``sent`` tells whether the request may have gone out."""
        if sent and not idempotent:
            return Decision("ambiguous")
        if attempt >= self.max_retries:
            return Decision("fail")
        return Decision("retry", self.backoff_delay(attempt))


class Attempts:
    """The tries of one request: the sync and async clients only send, sleep and ask this object what next.

    :param policy: the retry rules
    :param kind: the operation (for errors and counters).
    :param url: where it goes (errors name it without the query)
    :param idempotent: safe to re-send.
    """

    def __init__(self, policy: RetryPolicy, kind: str, url: str, *, idempotent: bool) -> None:
        self.policy = policy
        self.kind = kind
        self.url = url.split("?")[0]
        self.idempotent = idempotent
        self.attempt = 0

    def after_response(self, status: int, body: bytes, headers: dict[str, str]) -> float | None:
        """None: this answer is final (return it). A float: sleep that long, then send again."""
        from airflow_provider_modelarts.client.errors import ModelArtsAmbiguousError, ModelArtsApiError

        if status not in TRANSIENT_STATUSES:
            return None
        retry_after = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
        decision = self.policy.on_status(status, attempt=self.attempt, idempotent=self.idempotent,
                                         retry_after=retry_after)
        if decision.action == "ambiguous":
            raise ModelArtsAmbiguousError(
                self.kind, ModelArtsApiError.from_response(status, body, headers, self.kind)) from None
        if decision.action == "fail":
            return None
        self.attempt += 1
        return decision.delay

    def after_exception(self, exc: BaseException, *, sent: bool) -> float:
        """A connection failure: the delay before the next try, or the typed error raised."""
        from airflow_provider_modelarts.client.errors import ModelArtsAmbiguousError, ModelArtsConnectionError

        decision = self.policy.on_connection_error(attempt=self.attempt, idempotent=self.idempotent, sent=sent)
        if decision.action == "ambiguous":
            raise ModelArtsAmbiguousError(self.kind, exc) from None
        if decision.action == "fail":
            raise ModelArtsConnectionError(f"ModelArts {self.kind}: no answer from {self.url} after "
                                           f"{self.attempt + 1} tries: {type(exc).__name__}") from None
        self.attempt += 1
        return decision.delay
