"""What the sync and async clients share: request preparation, auth choice, response decoding, counters."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from airflow_provider_modelarts import __version__
from airflow_provider_modelarts.client.auth import AkSkAuth, CachedToken, Prepared, TokenAuth
from airflow_provider_modelarts.client.config import ClientSettings
from airflow_provider_modelarts.client.errors import ModelArtsApiError
from airflow_provider_modelarts.client.request import ApiRequest, path_param
from airflow_provider_modelarts.client.retry import RetryPolicy

USER_AGENT = f"airflow-provider-modelarts/{__version__}"


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str | None:
        low = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == low), None)


def split_url(url: str) -> tuple[str, str]:
    """``http://h:1/a/b`` -> (``http://h:1``, ``/a/b``)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}", parts.path or "/"


class ClientCore:
    """State and rules common to :class:`~.transport.ModelArtsClient` and :class:`~.aio.AsyncModelArtsClient`.

    :param settings: validated :class:`~.config.ClientSettings`.
    """

    def __init__(self, settings: ClientSettings) -> None:
        self.settings = settings.validate()
        self.policy = RetryPolicy(settings.max_retries, settings.backoff, settings.backoff_max)
        self.aksk: AkSkAuth | None = None
        self.token_auth: TokenAuth | None = None
        if settings.auth_type == "aksk":
            self.aksk = AkSkAuth(settings.ak or "", settings.sk or "", settings.security_token)
        else:
            self.token_auth = TokenAuth(settings)
        self._project_id = settings.project_id
        #: requests sent, by operation kind (retries included)
        self.request_counts: Counter[str] = Counter()

    @property
    def uses_token(self) -> bool:
        return self.token_auth is not None

    def base_and_path(self, req: ApiRequest, project_id: str | None) -> tuple[str, str]:
        if req.path.startswith(("http://", "https://")):
            return split_url(req.path)
        path = req.path
        if "{project_id}" in path:
            if not project_id:
                raise ValueError("project_id is not resolved")
            path = path.replace("{project_id}", path_param(project_id))
        return self.settings.modelarts_url, path

    def base_headers(self, req: ApiRequest, body: bytes | None, project_id: str | None) -> dict[str, str]:
        headers = {"Content-Type": "application/json;charset=utf-8" if body else "application/json",
                   "User-Agent": USER_AGENT}
        if self.aksk is not None and project_id and not req.path.startswith(("http://", "https://")):
            headers["X-Project-Id"] = project_id
        headers.update(req.headers)
        return headers

    def prepare(self, req: ApiRequest, project_id: str | None, token: str | None) -> Prepared:
        """Sign or attach the token; ``token`` is required with token auth."""
        base, path = self.base_and_path(req, project_id)
        body = req.body_bytes()
        headers = self.base_headers(req, body, project_id)
        if self.aksk is not None:
            return self.aksk.prepare(req.method, base, path, req.query_pairs(), headers, body)
        assert token is not None
        return TokenAuth.prepare(token, req.method, base, path, req.query_pairs(), headers, body)

    def token_rejected(self, resp: RawResponse) -> bool:
        """Whether ``resp`` (the answer to a request's first send) asks for one more send with a new IAM token.

        True for a 401 under a renewable token (not a fixed ``X-Auth-Token``); the cached token is then dropped so
        that the next send fetches a new one. The caller sends once more, and returns that answer whatever it is.

        :param resp: the answer to the first send.
        """
        if resp.status != 401 or self.token_auth is None or self.token_auth.fixed_token:
            return False
        self.token_auth.invalidate()
        return True

    def remember_token(self, cached: CachedToken) -> str:
        """The token to send from ``cached``, taking its project id when the settings name none.

        :param cached: the cached (or just fetched) IAM token.
        """
        if not self._project_id and cached.project_id:
            self._project_id = cached.project_id
        return cached.token

    def projects_request(self) -> ApiRequest:
        """``GET {iam}/v3/projects?name={region}``: resolve the project id with AK/SK."""
        return ApiRequest("GET", f"{self.settings.iam_url}/v3/projects", "iam.projects",
                          query=[("name", self.settings.region)])

    def project_from_listing(self, data: Any) -> str:
        projects = (data or {}).get("projects") or []
        match = [p for p in projects if p.get("name") == self.settings.region] or projects
        if not match:
            raise ModelArtsApiError(404, None, f"IAM has no project named {self.settings.region!r} for these "
                                    "credentials; set project_id in the connection.", operation="iam.projects")
        return str(match[0]["id"])

    def check(self, req: ApiRequest, resp: RawResponse) -> Any:
        ok = resp.status in req.ok_statuses if req.ok_statuses else 200 <= resp.status < 300
        if not ok:
            raise ModelArtsApiError.from_response(resp.status, resp.body, resp.headers, operation=req.kind)
        data = resp.json()
        if isinstance(data, dict) and data.get("is_success") is False:  # v1 answers failures inside a 200
            raise ModelArtsApiError.from_response(resp.status, resp.body, resp.headers, operation=req.kind)
        return data
