"""Generated requests against every operation of the OpenAPI schema: none may be a server error.

Requests come from the schema itself (/api/schema/), valid and deliberately invalid ones, with
ids that sometimes name real rows of the congress, sometimes rows of another congress and
sometimes nothing. Each request runs in a savepoint that is rolled back, so every example meets
the same small world and the run is repeatable (derandomized).
"""

from __future__ import annotations

import json
import traceback
from collections import Counter
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from congress.fields import MAX_ID
from congress.models import Role

# Statuses any operation may answer besides the documented ones: refused input, no token,
# no right, not found (or another congress's), wrong method, stale version, too many requests.
ERROR_STATUSES = {400, 401, 403, 404, 405, 409, 413, 415, 429}


@contextmanager
def requests_in_this_connection():
    """Requests run on the test's database connection, as Django's test client arranges:
    closing "old" connections at each request would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class Run:
    """Sends generated cases as one user and collects what went wrong."""

    def __init__(self, world, role: str, schema):
        self.world = world
        self.schema = schema
        self.headers = {"Authorization": f"Token {world.token(role)}"}
        self.role = role
        self.sent = 0  # every request
        self.generated = 0  # the ones hypothesis generated from the schema
        self.statuses: Counter[int] = Counter()
        self.errors: dict[tuple[str, str], str] = {}
        self._exception: str | None = None

    def _remember_exception(self, sender, request=None, **kwargs):
        self._exception = traceback.format_exc()

    def strategy(self, operation):
        """Valid and invalid cases, with the congress fixed and ids from the world or not."""
        fixed = {"congress_slug": self.world.slug}
        id_names = [
            parameter.name
            for parameter in operation.path_parameters
            if parameter.name != "congress_slug"
        ]
        choices = []
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            choices.append(operation.as_strategy(generation_mode=mode, path_parameters=fixed))
            if id_names:
                missing = set(id_names) - set(self.world.ids)
                assert not missing, f"give the world rows for {missing} ({operation.label})"
                known = st.fixed_dictionaries(
                    {name: st.sampled_from(self.world.ids[name]) for name in id_names}
                )
                choices.append(
                    known.flatmap(
                        lambda ids, mode=mode: operation.as_strategy(
                            generation_mode=mode, path_parameters={**fixed, **ids}
                        )
                    )
                )
        return st.one_of(choices)

    def send(self, case) -> None:
        self._exception = None
        savepoint = transaction.savepoint()
        try:
            response = case.call(headers=self.headers)
        finally:
            transaction.savepoint_rollback(savepoint)
        self.sent += 1
        self.statuses[response.status_code] += 1
        label = f"{case.operation.label} as {self.role}"
        problem = None
        if response.status_code >= 500:
            problem = f"{response.status_code}\n{self._exception or response.text[:2000]}"
        else:
            documented = set(case.operation.responses.status_codes)
            if (
                str(response.status_code) not in documented
                and response.status_code not in ERROR_STATUSES
            ):
                problem = f"undocumented status {response.status_code}: {response.text[:500]}"
            else:
                try:
                    case.validate_response(
                        response,
                        checks=[
                            not_a_server_error,
                            content_type_conformance,
                            response_schema_conformance,
                        ],
                        headers=self.headers,
                    )
                except BaseExceptionGroup as failures:  # reported with the case below
                    problem = str(failures)[:3000]
        if problem:
            # One report per operation and kind of problem: the first example that showed it.
            key = (label, problem.splitlines()[0][:80])
            if key not in self.errors:
                curl = case.as_curl_command(headers=self.headers)
                self.errors[key] = f"{label}\n{curl}\n{problem}"

    def fuzz(self, operation, max_examples: int) -> None:
        @hypothesis_settings(
            max_examples=max_examples,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=self.strategy(operation))
        def one(case):
            self.send(case)
            self.generated += 1

        got_request_exception.connect(self._remember_exception)
        try:
            with requests_in_this_connection():
                one()
        finally:
            got_request_exception.disconnect(self._remember_exception)

    def operations(self):
        for result in self.schema.get_all_operations():
            yield result.ok()

    def hostile(self, operation) -> None:
        """Values chosen to break a database rather than a parser, that few examples would
        happen on: ids beyond 64 bits, NUL characters, 30 February, enormous numbers."""
        definition = operation.definition.raw
        known = {
            parameter.name: self.world.ids[parameter.name][0]
            for parameter in operation.path_parameters
            if parameter.name != "congress_slug"
        }
        fixed = {"congress_slug": self.world.slug}
        cases = [
            operation.Case(path_parameters={**fixed, **{name: huge for name in known}})
            for huge in (MAX_ID + 1, 10**30)
            if known
        ]
        query = {
            parameter["name"]: hostile_value(parameter.get("schema", {}), self.schema.raw_schema)
            for parameter in definition.get("parameters", [])
            if parameter.get("in") == "query"
        }
        bodies = definition.get("requestBody", {}).get("content", {})
        if not bodies:
            cases.append(operation.Case(path_parameters={**fixed, **known}, query=query))
        for media_type in ("application/json", "application/x-www-form-urlencoded"):
            if media_type in bodies:
                body = hostile_value(bodies[media_type]["schema"], self.schema.raw_schema)
                cases.append(
                    operation.Case(
                        path_parameters={**fixed, **known},
                        query=query,
                        body=body,
                        media_type=media_type,
                    )
                )
        got_request_exception.connect(self._remember_exception)
        try:
            with requests_in_this_connection():
                for case in cases:
                    self.send(case)
        finally:
            got_request_exception.disconnect(self._remember_exception)


def hostile_value(node: dict, document: dict):
    """A value of the node's type that a database would choke on."""
    while "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in node:
            return hostile_value(node[combined][0], document)
    kind = node.get("type")
    if kind == "integer":
        return 2**63
    if kind == "number":
        return 1e300
    if kind == "boolean":
        return True
    if kind == "array":
        return [hostile_value(node.get("items", {}), document)]
    if kind == "object" or "properties" in node:
        return {
            name: hostile_value(child, document)
            for name, child in node.get("properties", {}).items()
            if not child.get("readOnly")
        }
    if node.get("format") == "date":
        return "2026-02-30"
    if node.get("format") == "date-time":
        return "2026-02-30T25:61:00+08:00"
    return "北京\x00市"


def without_time_formats(node):
    """The schema without `format: time`: DRF writes a time of day as "09:00:00", which JSON
    Schema's "time" format refuses for lacking a UTC offset (OpenAPI itself defines no "time")."""
    if isinstance(node, dict):
        return {
            key: without_time_formats(value)
            for key, value in node.items()
            if not (key == "format" and value == "time")
        }
    if isinstance(node, list):
        return [without_time_formats(value) for value in node]
    return node


def load_schema():
    # The application is built here, not at import, so that it sees the test session's settings.
    app = WSGIHandler()
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(without_time_formats(json.loads(response.content)))
    schema.app = app  # requests go straight to the application, as from_wsgi() arranges
    return schema


# Examples per operation for each role: committee staff reach the most code; a deputy and a
# unit's liaison go down the permission paths of their own (their own records, their unit).
EXAMPLES = {Role.COMMITTEE_STAFF: 9, Role.DEPUTY: 3, Role.UNIT_LIAISON: 2}
MINIMUM_REQUESTS = 1000
# Who also sends the hand-picked hostile values to every operation.
HOSTILE_ROLES = {Role.COMMITTEE_STAFF, Role.DEPUTY}


@pytest.mark.django_db
def test_generated_requests_cause_no_server_error_and_answer_as_documented(world, settings):
    # Nothing may leave the test: uploads go to the run's temporary folder, mail to memory.
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.BASE_DIR))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    schema = load_schema()
    runs = [Run(world, role, schema) for role in EXAMPLES]
    for run in runs:
        for operation in run.operations():
            run.fuzz(operation, EXAMPLES[run.role])
            if run.role in HOSTILE_ROLES:
                run.hostile(operation)
    report = "\n\n".join(error for run in runs for error in run.errors.values())
    assert not report, report
    generated = sum(run.generated for run in runs)
    print(f"{generated} generated requests,", sum(run.sent for run in runs), "in all:")
    print({run.role: dict(run.statuses) for run in runs})
    assert generated >= MINIMUM_REQUESTS
    # The run reached the application's logic, not only its front door: some requests were
    # carried out, some refused for their content, some for the ids they named.
    staff = runs[0].statuses
    assert staff[200] and staff[201] and staff[400] and staff[404], staff
    assert not any(run.statuses[401] for run in runs)
