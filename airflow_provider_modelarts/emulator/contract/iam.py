"""IAM (``iam.*``): the token and project calls, as the official ``huaweicloudsdkiam`` models type them.

Sources: ``huaweicloudsdkiam`` 3.1.219 v3 models (each constant below is one SDK model, named in its trailing
comment; ``tests/emulator/contract/test_iam.py`` checks them against the installed SDK), and
``modelarts-rest-api.md`` §1 (the password identity with a project scope, ``?nocatalog=true``, the token in the
``X-Subject-Token`` header: a header, so not in the body tables). Mandatory: the api-ref's IAM pages are not in
``shared/reference``; ``modelarts-rest-api.md`` §1 makes user name, password and domain name required for the
password method, and so does the emulator.
"""

from __future__ import annotations

from functools import partial

from airflow_provider_modelarts.emulator.contract import Operation, a, b, i, o, req, s
from airflow_provider_modelarts.emulator.iam import iam_error

IAM = "huaweicloudsdkiam/v3/model"

_PWD_PASSWORD_USER_DOMAIN = o({
    "name": req(s()),
})  # PwdPasswordUserDomain

_PWD_PASSWORD_USER = o({
    "domain": req(_PWD_PASSWORD_USER_DOMAIN),
    "name": req(s()),
    "password": req(s()),
})  # PwdPasswordUser

_PWD_PASSWORD = o({
    "user": req(_PWD_PASSWORD_USER),
})  # PwdPassword

_PWD_IDENTITY = o({
    "methods": req(a(s())),
    "password": req(_PWD_PASSWORD),
})  # PwdIdentity

_AUTH_SCOPE_DOMAIN = o({
    "id": s(),
    "name": s(),
})  # AuthScopeDomain

_AUTH_SCOPE_PROJECT = o({
    "id": s(),
    "name": s(),
})  # AuthScopeProject

_AUTH_SCOPE = o({
    "domain": _AUTH_SCOPE_DOMAIN,
    "project": _AUTH_SCOPE_PROJECT,
})  # AuthScope

_PWD_AUTH = o({
    "identity": req(_PWD_IDENTITY),
    "scope": _AUTH_SCOPE,
})  # PwdAuth

_KEYSTONE_CREATE_USER_TOKEN_BY_PASSWORD_REQUEST_BODY = o({
    "auth": req(_PWD_AUTH),
})  # KeystoneCreateUserTokenByPasswordRequestBody

_TOKEN_CATALOG_ENDPOINT = o({
    "url": s(),
    "region": s(),
    "region_id": s(),
    "interface": s(),
    "id": s(),
})  # TokenCatalogEndpoint

_TOKEN_CATALOG = o({
    "type": s(),
    "id": s(),
    "name": s(),
    "endpoints": a(_TOKEN_CATALOG_ENDPOINT),
})  # TokenCatalog

_TOKEN_DOMAIN_RESULT = o({
    "name": s(),
    "id": s(),
})  # TokenDomainResult

_TOKEN_PROJECT_DOMAIN_RESULT = o({
    "name": s(),
    "id": s(),
})  # TokenProjectDomainResult

_TOKEN_PROJECT_RESULT = o({
    "name": s(),
    "id": s(),
    "domain": _TOKEN_PROJECT_DOMAIN_RESULT,
})  # TokenProjectResult

_TOKEN_ROLE = o({
    "name": s(),
    "id": s(),
})  # TokenRole

_TOKEN_USER_DOMAIN_RESULT = o({
    "name": s(),
    "id": s(),
})  # TokenUserDomainResult

_TOKEN_USER_RESULT = o({
    "name": s(),
    "id": s(),
    "password_expires_at": s(),
    "domain": _TOKEN_USER_DOMAIN_RESULT,
})  # TokenUserResult

_TOKEN_RESULT = o({
    "catalog": a(_TOKEN_CATALOG),
    "domain": _TOKEN_DOMAIN_RESULT,
    "expires_at": s(),
    "issued_at": s(),
    "methods": a(s()),
    "project": _TOKEN_PROJECT_RESULT,
    "roles": a(_TOKEN_ROLE),
    "user": _TOKEN_USER_RESULT,
})  # TokenResult

_KEYSTONE_CREATE_USER_TOKEN_BY_PASSWORD_RESPONSE = o({
    "token": _TOKEN_RESULT,
})  # KeystoneCreateUserTokenByPasswordResponse

_LINKS = o({
    "self": s(),
    "previous": s(nullable=True),  # Keystone answers null when there is no other page
    "next": s(nullable=True),
})  # Links

_PROJECT_RESULT = o({
    "is_domain": b(),
    "description": s(),
    "links": _LINKS,
    "enabled": b(),
    "id": s(),
    "parent_id": s(),
    "domain_id": s(),
    "name": s(),
})  # ProjectResult

_KEYSTONE_LIST_PROJECTS_RESPONSE = o({
    "links": _LINKS,
    "projects": a(_PROJECT_RESULT),
})  # KeystoneListProjectsResponse

_LINKS_SELF = o({
    "self": s(),
})  # LinksSelf

_AUTH_PROJECT_RESULT = o({
    "is_domain": b(),
    "description": s(),
    "links": _LINKS_SELF,
    "enabled": b(),
    "id": s(),
    "parent_id": s(),
    "domain_id": s(),
    "name": s(),
})  # AuthProjectResult

_KEYSTONE_LIST_AUTH_PROJECTS_RESPONSE = o({
    "links": _LINKS_SELF,
    "projects": a(_AUTH_PROJECT_RESULT),
})  # KeystoneListAuthProjectsResponse

_DOMAINS = o({
    "enabled": b(),
    "id": s(),
    "name": s(),
    "links": _LINKS_SELF,
    "description": s(),
})  # Domains

_KEYSTONE_LIST_AUTH_DOMAINS_RESPONSE = o({
    "domains": a(_DOMAINS),
    "links": _LINKS_SELF,
})  # KeystoneListAuthDomainsResponse


#: IAM answers errors in the Keystone shape ``{"error": {"code", "message", "title"}}`` (emulator/iam.py).
KEYSTONE = partial(Operation, error=partial(iam_error, 400))

OPERATIONS = {
    "iam.token.create": KEYSTONE(
        source=f"{IAM}/keystone_create_user_token_by_password_request.py (query nocatalog, body); "
               f"{IAM}/keystone_create_user_token_by_password_response.py; modelarts-rest-api.md §1",
        query={"nocatalog": s(enum=["true", "false"])},
        body=_KEYSTONE_CREATE_USER_TOKEN_BY_PASSWORD_REQUEST_BODY,
        response=_KEYSTONE_CREATE_USER_TOKEN_BY_PASSWORD_RESPONSE),
    "iam.projects.list": KEYSTONE(
        source=f"{IAM}/keystone_list_projects_request.py; {IAM}/keystone_list_projects_response.py",
        query={"domain_id": s(), "name": s(), "parent_id": s(), "enabled": b(), "is_domain": b(), "page": i(),
               "per_page": i()},
        response=_KEYSTONE_LIST_PROJECTS_RESPONSE),
    "iam.auth_projects.list": KEYSTONE(
        source=f"{IAM}/keystone_list_auth_projects_response.py", response=_KEYSTONE_LIST_AUTH_PROJECTS_RESPONSE),
    "iam.auth_domains.list": KEYSTONE(
        source=f"{IAM}/keystone_list_auth_domains_response.py", response=_KEYSTONE_LIST_AUTH_DOMAINS_RESPONSE),
}
