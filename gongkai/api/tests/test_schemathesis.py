"""Property-based tests of the whole API against its own OpenAPI document (schemathesis).

Hypothesis generates requests for every operation from /api/v1/openapi.json, valid ones and deliberately
invalid ones, and schemathesis checks each answer: never a 500, the status and content type documented, the
body valid against the documented schema. On top, no answer may contain a marker of an unpublished record or
of personal data (see conftest.py), and the generated ids include those of drafts, withdrawn items and other
agencies' records. Bounded example counts keep the file well under a minute.
"""

import json
from urllib.parse import unquote, urlsplit

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings, strategies
from schemathesis import GenerationMode

from gongkai.api.tests.conftest import SECRET_MARKERS

pytestmark = pytest.mark.django_db

EXAMPLES = {GenerationMode.POSITIVE: 120, GenerationMode.NEGATIVE: 60}


@pytest.fixture
def api_schema(world, client):
    document = json.loads(client.get("/api/v1/openapi.json").content)
    return schemathesis.openapi.from_dict(document)


def _ids(world) -> list[int]:
    """Ids worth asking for: every record of the world, public or not, plus neighbours."""
    ids = {obj.pk for obj in world.values() if hasattr(obj, "pk")}
    return sorted(ids | {i + 1 for i in ids} | {1})


def _call(client, case) -> schemathesis.Response:
    """Send the generated request through Django's test client (same process, same test database) and hand
    schemathesis the answer."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    prepared = requests.Request(
        method=kwargs["method"], url=kwargs["url"], headers=kwargs.get("headers"), params=kwargs.get("params")
    ).prepare()
    parts = urlsplit(prepared.url)
    headers = {k: v for k, v in prepared.headers.items() if k.lower() not in ("content-length", "host")}
    answer = client.generic(prepared.method, unquote(parts.path), QUERY_STRING=parts.query, headers=headers)
    return schemathesis.Response(
        status_code=answer.status_code,
        headers={name: [value] for name, value in answer.items()},
        content=b"".join(answer.streaming_content) if answer.streaming else answer.content,
        request=prepared,
        elapsed=0.0,
        verify=True,
        encoding="utf-8",
    )


def _check(case, client) -> None:
    response = _call(client, case)
    case.validate_response(response)
    body = response.text
    for marker in SECRET_MARKERS:
        assert marker not in body, (case.path, case.path_parameters, case.query, marker)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_every_operation_conforms_to_the_openapi_document(api_schema, world, mode, client):

    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=api_schema.as_strategy(generation_mode=mode))
    def run(case):
        _check(case, client)

    run()


def test_ids_of_drafts_withdrawn_items_and_other_agencies_records_never_leak(api_schema, world, client):
    """Every operation with a record id, asked for every id of the world under every agency."""
    operations = [
        result.ok() for result in api_schema.get_all_operations() if "{item_id}" in result.ok().path
        or "{record_id}" in result.ok().path
    ]  # fmt: skip
    assert operations
    ids = _ids(world)

    @settings(max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(data=strategies.data())
    def run(data):
        operation = data.draw(strategies.sampled_from(operations))
        parameters = {"item_id": data.draw(strategies.sampled_from(ids))} if "{item_id}" in operation.path else {
            "record_id": data.draw(strategies.sampled_from(ids)),
            "slug": data.draw(strategies.sampled_from(["qdn", "kaili", "qdn-czj"])),
        }  # fmt: skip
        case = data.draw(operation.as_strategy(path_parameters=parameters))
        _check(case, client)

    run()
