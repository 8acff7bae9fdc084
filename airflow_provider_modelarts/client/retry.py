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
    """:param max_retries: retries after the first try. :param backoff: base seconds. :param backoff_max: cap."""

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
