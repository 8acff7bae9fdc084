"""Authentication of the emulator (IAM tokens, SDK-HMAC-SHA256 AK/SK) with the official Huawei SDK as client.

huaweicloudsdkcore's ``BasicCredentials``/``Signer`` sign the requests and huaweicloudsdkiam creates tokens; the
emulator's verification is an independent implementation, so any divergence fails here. The tests run their own
emulator (no OBS) with extra probe routes attached to its router: a project route and a route without
``{project_id}`` (like inference).
"""

from __future__ import annotations

import calendar
import copy
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials, GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.region.region import Region
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkiam.v3 import (
    AuthScope,
    AuthScopeProject,
    IamClient,
    KeystoneCreateUserTokenByPasswordRequest,
    KeystoneCreateUserTokenByPasswordRequestBody,
    PwdAuth,
    PwdIdentity,
    PwdPassword,
    PwdPasswordUser,
    PwdPasswordUserDomain,
)
from huaweicloudsdkmodelarts.v1 import ModelArtsClient

from airflow_provider_modelarts.emulator import auth, iam
from airflow_provider_modelarts.emulator.http import Headers, Request, Response
from airflow_provider_modelarts.emulator.state import DEFAULT_CONFIG, Emulator
from airflow_provider_modelarts.emulator.testing import EmulatorHandle, launch

TEMP_AK, TEMP_SK, TEMP_TOKEN = "EMULATORTEMPAK000001", "emulatorTemporarySecret0000000000000001", "sts-token-0001"
PROBE = "/v2/{project_id}/emulator-auth-probe"


def _probe(req: Request, emu: Emulator) -> Response:
    """Echo what the auth layer decided."""
    return Response(200, {"project_id": req.project_id, "identity": req.identity, "body": req.body.decode(),
                          "query": req.query_pairs})


@pytest.fixture(scope="module")
def handle() -> Iterator[EmulatorHandle]:
    """An emulator with probe routes and an extra temporary (STS) access key."""
    config = copy.deepcopy(DEFAULT_CONFIG)
    config["access_keys"].append({"ak": TEMP_AK, "sk": TEMP_SK, "projects": [config["projects"][0]["id"]],
                                  "security_token": TEMP_TOKEN})
    running = launch(obs=False, speed=10.0, config=config)
    router = running.server.httpd.dispatcher.router
    for method in ("GET", "POST"):
        router.route(method, PROBE, "test.probe")(_probe)
        router.route(method, PROBE + "/{item}", "test.probe_item")(_probe)
        router.route(method, "/v1/emulator-auth-probe-infers/{service_id}", "test.probe_infer")(_probe)
    try:
        yield EmulatorHandle.from_running(running)
    finally:
        running.stop()


# ---- helpers -----------------------------------------------------------------------------------------------
def sdk_signed(handle: EmulatorHandle, creds: BasicCredentials, method: str, path: str, *,
               query: list[tuple[str, Any]] | None = None, body: str | bytes = "",
               headers: dict[str, str] | None = None) -> requests.PreparedRequest:
    """A request signed by huaweicloudsdkcore exactly as its client does, ready to send with requests."""
    host = handle.url.split("://", 1)[1]
    header_params = {"Content-Type": "application/json", "User-Agent": "huaweicloud-usdk-python/3.0"}
    header_params.update(headers or {})
    sdk_req = SdkRequest(method=method, schema="http", host=host, resource_path=path, query_params=query or [],
                         header_params=header_params, body=body)
    signed = creds.sign_request(sdk_req)
    return requests.Request(method, handle.url + signed.uri, headers=dict(signed.header_params),
                            data=signed.body or None).prepare()


def send(prepared: requests.PreparedRequest) -> requests.Response:
    with requests.Session() as session:
        return session.send(prepared, timeout=10)


def creds(handle: EmulatorHandle, *, ak: str | None = None, sk: str | None = None,
          project_id: str | None = None) -> BasicCredentials:
    return BasicCredentials(ak or handle.ak, sk or handle.sk, project_id or handle.project_id)


def probe_path(handle: EmulatorHandle, project_id: str | None = None) -> str:
    return PROBE.format(project_id=project_id or handle.project_id)


def password_token(handle: EmulatorHandle, user: str, password: str, scope: dict[str, Any] | None,
                   domain: str | None = None) -> requests.Response:
    body: dict[str, Any] = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "password": password, "domain": {"name": domain or handle.domain}}}}}}
    if scope is not None:
        body["auth"]["scope"] = scope
    return requests.post(f"{handle.url}/v3/auth/tokens", json=body, timeout=10)


def assert_apig_401(resp: requests.Response, fragment: str = "") -> None:
    assert resp.status_code == 401, resp.text
    body = resp.json()
    assert body["error_code"] == "APIG.0301"
    assert body["error_msg"].startswith("Incorrect IAM authentication information: ")
    assert fragment in body["error_msg"]
    assert body["request_id"]


def assert_error(resp: requests.Response, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    assert resp.json()["error_code"] == code


def iam_client(handle: EmulatorHandle) -> IamClient:
    config = HttpConfig.get_default_config()
    config.timeout = (5, 10)
    return (IamClient.new_builder().with_http_config(config)
            .with_credentials(GlobalCredentials(handle.ak, handle.sk)).with_endpoints([handle.url]).build())


def sdk_token_request(handle: EmulatorHandle, password: str) -> KeystoneCreateUserTokenByPasswordRequest:
    user = PwdPasswordUser(domain=PwdPasswordUserDomain(name=handle.domain), name=handle.user, password=password)
    body = KeystoneCreateUserTokenByPasswordRequestBody(auth=PwdAuth(
        identity=PwdIdentity(methods=["password"], password=PwdPassword(user=user)),
        scope=AuthScope(project=AuthScopeProject(name=handle.project_name))))
    return KeystoneCreateUserTokenByPasswordRequest(nocatalog="true", body=body)


# ---- IAM tokens --------------------------------------------------------------------------------------------
def test_iam_sdk_token_is_accepted_by_a_modelarts_route(handle: EmulatorHandle) -> None:
    resp = iam_client(handle).keystone_create_user_token_by_password(sdk_token_request(handle, handle.password))
    token = resp.x_subject_token
    assert token and resp.token.project.id == handle.project_id
    assert resp.token.user.name == handle.user
    assert resp.token.catalog is None  # nocatalog=true
    answer = requests.get(handle.url + probe_path(handle), headers={"X-Auth-Token": token}, timeout=10)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["project_id"] == handle.project_id
    assert body["identity"]["type"] == "token" and body["identity"]["user"] == handle.user


def test_iam_sdk_wrong_password_is_401(handle: EmulatorHandle) -> None:
    with pytest.raises(ClientRequestException) as info:
        iam_client(handle).keystone_create_user_token_by_password(sdk_token_request(handle, "wrong"))
    assert info.value.status_code == 401


def test_token_body_fields_and_catalog(handle: EmulatorHandle) -> None:
    resp = password_token(handle, handle.user, handle.password, {"project": {"id": handle.project_id}})
    assert resp.status_code == 201
    token = resp.json()["token"]
    for stamp in (token["expires_at"], token["issued_at"]):
        assert datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ")
    assert token["methods"] == ["password"]
    assert token["project"]["name"] == handle.project_name
    assert token["user"]["domain"]["name"] == handle.domain
    assert {entry["type"] for entry in token["catalog"]} >= {"modelarts", "identity"}
    lifetime = (datetime.strptime(token["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
                - datetime.strptime(token["issued_at"], "%Y-%m-%dT%H:%M:%S.%fZ"))
    assert lifetime == timedelta(hours=24)


def test_wrong_password_and_unknown_user_use_the_iam_error_shape(handle: EmulatorHandle) -> None:
    for user, password in ((handle.user, "nope"), ("nobody", handle.password)):
        resp = password_token(handle, user, password, {"project": {"name": handle.project_name}})
        assert resp.status_code == 401
        assert resp.json() == {"error": {"code": 401, "message": "The username or password is wrong.",
                                         "title": "Unauthorized"}}
    assert "X-Subject-Token" not in resp.headers


def test_project_not_allowed_for_the_user_is_401(handle: EmulatorHandle) -> None:
    resp = password_token(handle, handle.user, handle.password, {"project": {"id": handle.other_project_id}})
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == 401


def test_malformed_token_request_is_400(handle: EmulatorHandle) -> None:
    resp = requests.post(f"{handle.url}/v3/auth/tokens", json={"auth": {}}, timeout=10)
    assert resp.status_code == 400
    assert resp.json()["error"]["title"] == "Bad Request"


def test_token_ttl_is_configurable(handle: EmulatorHandle) -> None:
    handle.set_token_ttl(60)
    try:
        token = password_token(handle, handle.user, handle.password,
                               {"project": {"id": handle.project_id}}).json()["token"]
    finally:
        handle.set_token_ttl(24 * 3600)
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ"
    assert datetime.strptime(token["expires_at"], fmt) - datetime.strptime(token["issued_at"], fmt) == timedelta(
        seconds=60)


def test_missing_and_garbled_tokens(handle: EmulatorHandle) -> None:
    url = handle.url + probe_path(handle)
    assert_error(requests.get(url, timeout=10), 401, "ModelArts.0201")
    assert_error(requests.get(url, headers={"X-Auth-Token": "MIInot-a-token"}, timeout=10), 401, "ModelArts.0203")


def test_expired_token_is_401_0202(handle: EmulatorHandle) -> None:
    token = password_token(handle, handle.user, handle.password,
                           {"project": {"id": handle.project_id}}).headers["X-Subject-Token"]
    url = handle.url + probe_path(handle)
    assert requests.get(url, headers={"X-Auth-Token": token}, timeout=10).status_code == 200
    handle.expire_tokens()
    assert_error(requests.get(url, headers={"X-Auth-Token": token}, timeout=10), 401, "ModelArts.0202")


def test_token_of_another_project_is_403_0210(handle: EmulatorHandle) -> None:
    resp = password_token(handle, "other-user", "other-user-password", {"project": {"id": handle.other_project_id}})
    token = resp.headers["X-Subject-Token"]
    assert_error(requests.get(handle.url + probe_path(handle), headers={"X-Auth-Token": token}, timeout=10),
                 403, "ModelArts.0210")
    own = requests.get(handle.url + probe_path(handle, handle.other_project_id), headers={"X-Auth-Token": token},
                       timeout=10)
    assert own.status_code == 200 and own.json()["project_id"] == handle.other_project_id


def test_domain_scoped_token_is_rejected_by_modelarts(handle: EmulatorHandle) -> None:
    resp = password_token(handle, handle.user, handle.password, {"domain": {"name": handle.domain}})
    assert resp.status_code == 201 and "project" not in resp.json()["token"]
    assert_error(requests.get(handle.url + probe_path(handle), headers={"X-Auth-Token": resp.headers[
        "X-Subject-Token"]}, timeout=10), 401, "ModelArts.0207")


# ---- project and domain resolution as huaweicloudsdkcore does it ------------------------------------------
def test_basic_credentials_resolve_the_project_id_through_iam(handle: EmulatorHandle) -> None:
    BasicCredentials._CACHE.clear()  # the SDK caches resolved ids per process; force the IAM call
    before = handle.count("iam.projects.list")
    credentials = BasicCredentials(handle.ak, handle.sk).with_iam_endpoint(handle.url)
    ModelArtsClient.new_builder().with_credentials(credentials).with_region(
        Region(handle.project_name, handle.url)).build()
    assert credentials.project_id == handle.project_id
    assert handle.count("iam.projects.list") == before + 1
    assert handle.requests("iam.projects.list")[-1]["status"] == 200


def test_global_credentials_resolve_the_domain_id_through_iam(handle: EmulatorHandle) -> None:
    credentials = GlobalCredentials(handle.ak, handle.sk).with_iam_endpoint(handle.url)
    IamClient.new_builder().with_credentials(credentials).with_region(Region(handle.project_name, handle.url)).build()
    assert credentials.domain_id == iam.stable_id("domain", handle.domain)


def test_project_list_filters_by_name_and_caller(handle: EmulatorHandle) -> None:
    token = password_token(handle, handle.user, handle.password,
                           {"project": {"id": handle.project_id}}).headers["X-Subject-Token"]
    resp = requests.get(f"{handle.url}/v3/projects", params={"name": handle.project_name},
                        headers={"X-Auth-Token": token}, timeout=10)
    assert resp.status_code == 200
    projects = resp.json()["projects"]
    assert [p["id"] for p in projects] == [handle.project_id] and projects[0]["enabled"] is True
    other = requests.get(f"{handle.url}/v3/projects", params={"name": "cn-east-3"}, headers={"X-Auth-Token": token},
                         timeout=10)
    assert other.json()["projects"] == []
    assert requests.get(f"{handle.url}/v3/projects", timeout=10).status_code == 401
    mine = requests.get(f"{handle.url}/v3/auth/projects", headers={"X-Auth-Token": token}, timeout=10)
    assert [p["name"] for p in mine.json()["projects"]] == [handle.project_name]


# ---- AK/SK signatures ------------------------------------------------------------------------------------
def test_valid_signatures_pass(handle: EmulatorHandle) -> None:
    query = [("offset", 0), ("search_content", "my data/set+1"), ("with_labels", True), ("status", "b"),
             ("status", "a")]
    resp = send(sdk_signed(handle, creds(handle), "GET", probe_path(handle), query=query))
    assert resp.status_code == 200, resp.text
    assert resp.json()["identity"] == {"type": "aksk", "ak": handle.ak, "projects": [handle.project_id],
                                       "domain": None}
    assert ["search_content", "my data/set+1"] in resp.json()["query"]
    reordered = sdk_signed(handle, creds(handle), "GET", probe_path(handle), query=query)
    base, _, qs = str(reordered.url).partition("?")
    reordered.url = base + "?" + "&".join(reversed(qs.split("&")))
    assert send(reordered).status_code == 200
    body = json.dumps({"description": "signed body ü"})
    resp = send(sdk_signed(handle, creds(handle), "POST", probe_path(handle), body=body,
                           headers={"Content-Type": "application/json;charset=UTF-8"}))
    assert resp.status_code == 200 and resp.json()["body"] == body


def test_unsigned_payload_and_encoded_path_pass(handle: EmulatorHandle) -> None:
    resp = send(sdk_signed(handle, creds(handle), "POST", probe_path(handle) + "/a b:c~d", body=b"raw-bytes",
                           query=[("empty", ""), ("Zeta", 1), ("alpha", "x~y")],
                           headers={"Content-Type": "application/octet-stream"}))
    assert resp.status_code == 200, resp.text
    assert resp.json()["body"] == "raw-bytes"


def test_query_keys_that_sort_differently_once_encoded_pass(handle: EmulatorHandle) -> None:
    """The SDK sorts raw pairs ("a." < "a/"); encoded, the order flips ("a%2F" < "a."). The gateway accepts the SDK."""
    resp = send(sdk_signed(handle, creds(handle), "GET", probe_path(handle),
                           query=[("a/", "1"), ("a.", "2"), ("k", "x/y"), ("k", "x.y")]))
    assert resp.status_code == 200, resp.text


def test_wrong_sk_and_unknown_ak_are_401(handle: EmulatorHandle) -> None:
    assert_apig_401(send(sdk_signed(handle, creds(handle, sk="x" * 40), "GET", probe_path(handle))),
                    "verify aksk signature fail")
    assert_apig_401(send(sdk_signed(handle, creds(handle, ak="UNKNOWNAK0000000000"), "GET", probe_path(handle))),
                    "not found")


def test_tampered_body_and_query_are_401(handle: EmulatorHandle) -> None:
    prepared = sdk_signed(handle, creds(handle), "POST", probe_path(handle), body='{"a":1}')
    prepared.prepare_body('{"a":2}', None)
    assert_apig_401(send(prepared), "signature")
    prepared = sdk_signed(handle, creds(handle), "GET", probe_path(handle), query=[("offset", 0)])
    prepared.url = str(prepared.url).replace("offset=0", "offset=1")
    assert_apig_401(send(prepared), "signature")


def test_dropped_signed_header_is_401(handle: EmulatorHandle) -> None:
    prepared = sdk_signed(handle, creds(handle), "GET", probe_path(handle), headers={"X-Custom": "1"})
    del prepared.headers["X-Custom"]
    assert_apig_401(send(prepared), "x-custom")


def test_host_and_date_must_be_signed(handle: EmulatorHandle) -> None:
    for dropped in ("host", "x-sdk-date"):
        prepared = sdk_signed(handle, creds(handle), "GET", probe_path(handle))
        signed = prepared.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0]
        kept = ";".join(h for h in signed.split(";") if h != dropped)
        prepared.headers["Authorization"] = prepared.headers["Authorization"].replace(signed, kept)
        assert kept != signed
        assert_apig_401(send(prepared), f"{dropped} must be signed")


def test_sdk_date_skew(handle: EmulatorHandle) -> None:
    def at(minutes_ago: int) -> requests.Response:
        stamp = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).strftime("%Y%m%dT%H%M%SZ")
        return send(sdk_signed(handle, creds(handle), "GET", probe_path(handle), headers={"X-Sdk-Date": stamp}))

    assert at(14).status_code == 200
    assert_apig_401(at(16), "15 minutes")
    prepared = sdk_signed(handle, creds(handle), "GET", probe_path(handle))
    prepared.headers["X-Sdk-Date"] = "2024-01-02 03:04:05"
    assert_apig_401(send(prepared), "not in the format")


def test_malformed_authorization_header_is_401(handle: EmulatorHandle) -> None:
    resp = requests.get(handle.url + probe_path(handle), headers={"Authorization": "Bearer abc"}, timeout=10)
    assert_apig_401(resp, "Authorization")


def test_cross_project_is_403(handle: EmulatorHandle) -> None:
    other = creds(handle, ak=handle.other_ak, sk=handle.other_sk, project_id=handle.project_id)
    assert_error(send(sdk_signed(handle, other, "GET", probe_path(handle))), 403, "ModelArts.0210")
    mismatched_header = creds(handle, project_id=handle.other_project_id)
    assert_error(send(sdk_signed(handle, mismatched_header, "GET", probe_path(handle))), 403, "ModelArts.0210")


def test_temporary_credentials_need_their_security_token(handle: EmulatorHandle) -> None:
    good = creds(handle, ak=TEMP_AK, sk=TEMP_SK).with_security_token(TEMP_TOKEN)
    assert send(sdk_signed(handle, good, "GET", probe_path(handle))).status_code == 200
    wrong = creds(handle, ak=TEMP_AK, sk=TEMP_SK).with_security_token("other")
    assert_apig_401(send(sdk_signed(handle, wrong, "GET", probe_path(handle))), "security token")
    assert_apig_401(send(sdk_signed(handle, creds(handle, ak=TEMP_AK, sk=TEMP_SK), "GET", probe_path(handle))),
                    "security token")


def test_route_without_project_sets_identity_only(handle: EmulatorHandle) -> None:
    path = "/v1/emulator-auth-probe-infers/svc-1"
    signed = send(sdk_signed(handle, BasicCredentials(handle.ak, handle.sk), "POST", path, body="{}"))
    assert signed.status_code == 200, signed.text
    assert signed.json()["project_id"] is None
    assert signed.json()["identity"]["projects"] == [handle.project_id]
    token = password_token(handle, handle.user, handle.password,
                           {"project": {"id": handle.project_id}}).headers["X-Subject-Token"]
    by_token = requests.post(handle.url + path, json={}, headers={"X-Auth-Token": token}, timeout=10)
    assert by_token.status_code == 200 and by_token.json()["identity"]["projects"] == [handle.project_id]


# ---- the published vectors ---------------------------------------------------------------------------------
VECTOR_AK, VECTOR_SK = "AKTESTEXAMPLE00000001", "SKtestExampleSecretKey0000000000000000001"
VECTOR_DATE = "20240102T030405Z"
_SIGNED4 = "content-type;host;x-project-id;x-sdk-date"
_PROJ = "0123456789abcdef0123456789abcdef"
_JOB = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
#: From reference/signing-vectors.json (huaweicloudsdkcore 3.1.219): method, final URI, body, extra headers,
#: SignedHeaders, signature, and the hash that ends the string to sign (the hash of the canonical request).
VECTORS = [
    ("GET", f"/v2/{_PROJ}/training-jobs/{_JOB}", "", {"Content-Type": "application/json"}, _SIGNED4,
     "9375b9a7806e2304655f8c3e93376148ba0adfd77eaead577692f76fcd0b0bad",
     "b8aaf440cc08262e066411041f67b1b75e3c2432052906fe023b52ee413baf43"),
    ("GET", f"/v2/{_PROJ}/datasets?limit=10&offset=0&search_content=my%20data%2Fset%2B1&with_labels=true", "",
     {"Content-Type": "application/json"}, _SIGNED4,
     "70af201a2315c3c21c71eebe7c0de70a5341bc07e96b980c8c43a14b323f4a1a",
     "cd588496f43a06fd957c1f9a95aeedf692cce7bacd4273f2cb25fa202eb7f879"),
    ("PUT", f"/v2/{_PROJ}/training-jobs/{_JOB}", '{"description":"updated by test"}',
     {"Content-Type": "application/json;charset=UTF-8"}, _SIGNED4,
     "f333a069a723880fd59b59379d8c19c00f0c263ad7985d9fc8e4114e7814612d",
     "2a7bf535bed2d7abb2293e6301f60b6eea1cb82c6152f5338d87bcf0ebb543e9"),
    ("GET", f"/v1/{_PROJ}/services?infer_type=real-time&offset=0&status=deploying&status=running", "",
     {"Content-Type": "application/json", "X_Custom_Header": "not-signed"}, _SIGNED4,
     "0bc9c5c104df3c41eb471f4570b36d5fc0b2868732f88dfb76ae26facec7f562",
     "12c7911996beb01868ed02ce85d3dbb39c12fd39a3de4f193d75891759893a94"),
    ("POST", f"/v1/{_PROJ}/demo/a b:c?Zeta=1&alpha=x~y&empty=", "raw-bytes",
     {"Content-Type": "application/octet-stream", "X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD"},
     "content-type;host;x-project-id;x-sdk-content-sha256;x-sdk-date",
     "fb9b95f71614089ff85ffe7232c2d6d23420bb3a0b9b9b9dd5264d1a360182d6",
     "05eba91b3878aafcacbbe9174689532d42c8e35872f00625889f51bf00fc84a4"),
]


def vector_request(method: str, uri: str, body: str, headers: dict[str, str], signed: str, signature: str,
                   *, wire_path: bool) -> Request:
    path, _, query = uri.partition("?")
    if wire_path:  # what requests puts on the wire for the SDK's unencoded URI
        path = requests.Request("GET", "http://h" + path).prepare().path_url
    all_headers = {**headers, "X-Sdk-Date": VECTOR_DATE, "X-Project-Id": _PROJ,
                   "Host": "modelarts.cn-north-4.myhuaweicloud.com",
                   "Authorization": f"SDK-HMAC-SHA256 Access={VECTOR_AK}, SignedHeaders={signed}, "
                                    f"Signature={signature}"}
    return Request(method=method, raw_path=path, raw_query=query, headers=Headers(all_headers.items()),
                   body=body.encode())


def lookup(ak: str) -> dict[str, Any] | None:
    return {"ak": VECTOR_AK, "sk": VECTOR_SK, "projects": [_PROJ]} if ak == VECTOR_AK else None


@pytest.mark.parametrize("vector", VECTORS, ids=[f"v{i + 1}" for i in range(len(VECTORS))])
@pytest.mark.parametrize("wire_path", [False, True], ids=["sdk-uri", "wire-uri"])
def test_signing_vectors_verify(vector: tuple[Any, ...], wire_path: bool) -> None:
    method, uri, body, headers, signed, signature, canonical_hash = vector
    req = vector_request(method, uri, body, dict(headers), signed, signature, wire_path=wire_path)
    now = float(calendar.timegm(time.strptime(VECTOR_DATE, auth.DATE_FORMAT)))
    assert auth.verify_signature(req, lookup, now=now)["ak"] == VECTOR_AK
    values = {name: req.headers.get(name) or "" for name in signed.split(";")}
    canonical = auth.canonical_request(method, req.raw_path, req.query_pairs, values, signed.split(";"), req.body)
    assert auth.string_to_sign(canonical, VECTOR_DATE) == f"SDK-HMAC-SHA256\n{VECTOR_DATE}\n{canonical_hash}"
    if "&" in req.raw_query:  # the query order on the wire does not matter: the verifier sorts
        req.raw_query = "&".join(reversed(req.raw_query.split("&")))
        assert auth.verify_signature(req, lookup, now=now)["ak"] == VECTOR_AK
    with pytest.raises(auth.ApiError) as stale:  # the real clock is years past the vector date
        auth.verify_signature(req, lookup)
    assert stale.value.error_code == "APIG.0301" and "15 minutes" in stale.value.error_msg
    tampered = vector_request(method, uri, body + "x", dict(headers), signed, signature, wire_path=wire_path)
    if not body or "X-Sdk-Content-Sha256" not in headers:
        with pytest.raises(auth.ApiError):
            auth.verify_signature(tampered, lookup, now=now)
