"""Schemathesis over the whole OpenAPI schema, against a live server, as an analyst with a write token.

Every operation gets a fixed, derandomized budget of generated requests (valid and invalid ones)
and every check runs on every answer: no server error, only documented status codes, content types
and headers, bodies matching their schema, invalid requests refused... The one exception is
`positive_data_acceptance` on the operations in RULES_BEYOND_OPENAPI, for the reason given there.
"""

from __future__ import annotations

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from incidents.services.tokens import api_token_create

EXAMPLES = 12  # per operation and generation mode; about 30 operations

# Operations where a schema-valid request may rightly get a 400, for rules OpenAPI cannot state:
# bodies name other records (a country code, an actor, location, article or incident id) that must
# exist, names must be unique, and an incident's sub_event_type must belong to its event_type
# (documented in the field's description); list filters take country codes that must be real ISO
# 3166-1 codes, and incidents' `cursor` is an opaque token only a `next` link carries; a merge,
# split, undo or decision is refused (400, with the reason) when the records' state forbids it
# (merging into itself or a merged incident, splitting an only report, undoing twice, deciding a
# decided pair); a feed's URL must not be watched already and must be a plain http(s) address (no
# credentials in it); the ACLED read API's column filters are dates, numbers and names that must
# parse, `BETWEEN` takes two values, and `key` needs `email`. Every other check, `negative_data_rejection` included, still runs on them.
RULES_BEYOND_OPENAPI = {
    "GET /api/v1/incidents/",
    "GET /api/v1/actors/",
    "GET /api/v1/locations/",
    "GET /api/v1/sources/",
    "POST /api/v1/incidents/",
    "PUT /api/v1/incidents/{id}/",
    "PATCH /api/v1/incidents/{id}/",
    "POST /api/v1/incidents/bulk-status/",
    "POST /api/v1/articles/",
    "POST /api/v1/actors/",
    "PUT /api/v1/actors/{id}/",
    "PATCH /api/v1/actors/{id}/",
    "POST /api/v1/locations/",
    "PUT /api/v1/locations/{id}/",
    "PATCH /api/v1/locations/{id}/",
    "POST /api/v1/sources/",
    "PUT /api/v1/sources/{id}/",
    "PATCH /api/v1/sources/{id}/",
    "POST /api/v1/incidents/{id}/merge/",
    "POST /api/v1/reports/{id}/split/",
    "POST /api/v1/link-actions/{id}/undo/",
    "POST /api/v1/possible-duplicates/{id}/decide/",
    "POST /api/v1/feeds/",
    "PUT /api/v1/feeds/{id}/",
    "PATCH /api/v1/feeds/{id}/",
    "GET /api/acled/read",
}


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:500]}"


def _fuzz(operation, mode: GenerationMode, session: requests.Session, base_url: str, failures: list) -> None:
    excluded = [positive_data_acceptance] if operation.label in RULES_BEYOND_OPENAPI else []

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=["explicit", "generate"],  # no shrinking: every failure is recorded, none retried
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        try:
            case.call_and_validate(base_url=base_url, session=session, excluded_checks=excluded)
        except BaseExceptionGroup as group:  # schemathesis' FailureGroup: every check that failed
            failures.extend(f"{operation.label} [{mode}]: {_describe(exc)}" for exc in group.exceptions)
        except Exception as exc:  # noqa: BLE001 - a single failure, collected and reported below
            failures.append(f"{operation.label} [{mode}]: {_describe(exc)}")

    run()


def test_the_api_answers_every_generated_request_as_documented(live_server, api_world, analyst):
    _, raw = api_token_create(analyst, scope="write")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {raw}"
    sent: list[int] = []
    session.hooks["response"].append(lambda response, *args, **kwargs: sent.append(response.status_code))
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, session, live_server.url, failures)
    server_errors = sum(1 for code in sent if code >= 500)
    print(f"\nschemathesis: {len(operations)} operations, {len(sent)} requests, {len(failures)} failures")
    assert len(sent) > 10 * len(operations)
    assert server_errors == 0
    assert not failures, "\n".join(failures)
