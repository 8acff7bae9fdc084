"""IAM tables: the official huaweicloudsdkiam models, and the Keystone error shape for what they do not allow."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import huaweicloudsdkiam.v3.model as sdk
import pytest
import requests

from airflow_provider_modelarts.client.auth import TokenAuth
from airflow_provider_modelarts.client.config import ClientSettings
from airflow_provider_modelarts.emulator import contract
from airflow_provider_modelarts.emulator.server import build_router
from tests.emulator.contract.sdk_shapes import sdk_shape, shape


@pytest.mark.parametrize(("kind", "part", "model", "headers"), [
    ("iam.token.create", "body", "KeystoneCreateUserTokenByPasswordRequestBody", ()),
    ("iam.token.create", "response", "KeystoneCreateUserTokenByPasswordResponse", ("X-Subject-Token",)),
    ("iam.projects.list", "response", "KeystoneListProjectsResponse", ()),
    ("iam.auth_projects.list", "response", "KeystoneListAuthProjectsResponse", ()),
    ("iam.auth_domains.list", "response", "KeystoneListAuthDomainsResponse", ()),
])
def test_each_table_is_the_official_sdk_model(kind: str, part: str, model: str, headers: tuple[str, ...]) -> None:
    assert shape(getattr(contract.operations()[kind], part), headers=headers) == sdk_shape(sdk, model)


@pytest.mark.parametrize(("kind", "model"), [("iam.token.create", "KeystoneCreateUserTokenByPasswordRequest"),
                                              ("iam.projects.list", "KeystoneListProjectsRequest")])
def test_query_tables_are_the_sdk_request_models(kind: str, model: str) -> None:
    assert set(contract.operations()[kind].query) == set(getattr(sdk, model).attribute_map.values()) - {"body"}


def test_every_iam_route_has_a_table() -> None:
    kinds = {r.kind for r in build_router().routes if r.kind.startswith("iam.")}
    assert kinds <= set(contract.operations())


@pytest.mark.parametrize("auth_type", ["iam_user", "account"])
@pytest.mark.parametrize("project_id", [None, "p1"])
def test_the_clients_token_request_passes_the_table(auth_type: str, project_id: str | None) -> None:
    settings = ClientSettings(auth_type=auth_type, account="acct", user="u", password="pw", region="cn-north-4",
                              project_id=project_id, iam_endpoint="http://127.0.0.1:1")
    prepared = TokenAuth(settings).token_request()
    split = urlsplit(prepared.url)
    assert contract.wire_problems(prepared.method, split.path, parse_qsl(split.query), prepared.body) == []


@pytest.mark.parametrize(("auth", "named"), [
    ({"identity": {"methods": ["password"], "password": {"user": {"name": "u", "password": "p"}}}},
     "auth.identity.password.user.domain: missing mandatory field"),
    ({"identity": {"methods": ["password"], "password": {"user": {"name": "u", "password": "p",
                                                                  "domain": {"name": "d", "id": "x"}}}}},
     "auth.identity.password.user.domain.id: unknown field"),
    ({"identity": {"methods": "password"}}, "auth.identity.methods: expected array"),
])
def test_undocumented_token_requests_get_a_keystone_400(emulator: Any, auth: dict, named: str) -> None:
    resp = requests.post(f"{emulator.url}/v3/auth/tokens", json={"auth": auth}, timeout=10)
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["title"] == "Bad Request" and named in error["message"], error
