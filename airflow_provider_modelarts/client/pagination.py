"""Page iterators for each pagination style of the ModelArts API.

Styles:

* ``PAGE_INDEX``: query ``offset`` is a page number from 0, ``limit`` the page size (datasets, samples,
  import/export tasks, models, services: the SDK reference's "offset=1, limit=50 returns rows 51-100").
* ``PAGE_NUMBER``: v1 ``page`` (from 1) and ``per_page``.
* ``BODY_SEARCH``: v2 training searches, ``offset``/``limit`` in the JSON body; ``offset`` is a page number
  from 0 (what the official client documents for ``JobSearches.offset``; the SDK reference says rows).

The style decides the position of the next page; the sync and async iterators share :func:`page_plan`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.client.request import ApiRequest

if TYPE_CHECKING:
    from airflow_provider_modelarts.client.aio import AsyncModelArtsClient
    from airflow_provider_modelarts.client.transport import ModelArtsClient


@dataclass(frozen=True)
class PageStyle:
    """:param unit: ``page`` (position counts pages) or ``row``
    :param start: first position."""

    name: str
    offset_param: str
    limit_param: str
    unit: str
    start: int
    in_body: bool = False


PAGE_INDEX = PageStyle("page_index", "offset", "limit", "page", 0)
PAGE_NUMBER = PageStyle("page_number", "page", "per_page", "page", 1)
BODY_SEARCH = PageStyle("body_search", "offset", "limit", "page", 0, in_body=True)


@dataclass(frozen=True)
class Pager:
    """How to page one listing.

    :param items_key: list field
    :param total_key: total-count field, if any."""

    style: PageStyle
    items_key: str
    total_key: str | None = None
    limit: int = 100

    def request(self, req: ApiRequest, position: int) -> ApiRequest:
        values = {self.style.offset_param: position, self.style.limit_param: self.limit}
        return req.with_body(**values) if self.style.in_body else req.with_query(**values)

    def items(self, data: Any) -> list[Any]:
        return list((data or {}).get(self.items_key) or [])

    def next_position(self, position: int, data: Any, seen: int) -> int | None:
        """The next position, or None when the listing is exhausted."""
        items = self.items(data)
        total = (data or {}).get(self.total_key) if self.total_key else None
        if not items or len(items) < self.limit:
            return None
        if isinstance(total, int) and seen >= total:
            return None
        return position + (1 if self.style.unit == "page" else len(items))


def iterate(client: ModelArtsClient, req: ApiRequest, pager: Pager) -> Iterator[Any]:
    """Every item of a listing, fetching pages as needed (sync)."""
    position: int | None = pager.style.start
    seen = 0
    while position is not None:
        data = client.call(pager.request(req, position))
        items = pager.items(data)
        seen += len(items)
        yield from items
        position = pager.next_position(position, data, seen)


async def aiterate(client: AsyncModelArtsClient, req: ApiRequest, pager: Pager) -> AsyncIterator[Any]:
    """Every item of a listing (async)."""
    position: int | None = pager.style.start
    seen = 0
    while position is not None:
        data = await client.call(pager.request(req, position))
        items = pager.items(data)
        seen += len(items)
        for item in items:
            yield item
        position = pager.next_position(position, data, seen)
