"""No request the API's schema describes, or nearly describes, gets a server error.

schemathesis calls every operation of ``/api/schema/`` in-process (WSGI): the schema's edge
values first (its coverage phase: boundaries, wrong types, missing and extra fields, for each
parameter), then generated inputs that fit the schema and that do not, at most ``EXAMPLES``
per operation; a county admin and an informant of a small city take turns. Any 5xx fails,
naming the request. Generation is derandomized, so a run is reproducible and its cost bounded:
it is part of ``make test``, so of CI.
"""

from __future__ import annotations

import itertools
import json
import os
from datetime import UTC, date, datetime

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from grid.services import api_token_create
from grid.tests.factories import make_city
from reports.tests.factories import submit

# Dates and times over their whole range, their ends drawn first (schemathesis keeps to the
# years around 2000, where 9999-12-31 overflowed a filter into a 500).
schemathesis.openapi.format(
    "date", st.one_of(st.sampled_from([date.min, date.max]), st.dates()).map(date.isoformat)
)
EARLIEST, LATEST = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
schemathesis.openapi.format(
    "date-time",
    st.one_of(st.sampled_from([EARLIEST, LATEST]), st.datetimes(timezones=st.just(UTC))).map(
        datetime.isoformat
    ),
)

# Generated examples per operation, on top of the schema's edge values; by hand, search deeper
# (FUZZ_EXAMPLES=500) or elsewhere (FUZZ_RANDOM=1: new inputs each run). CI: about 20 s.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
DERANDOMIZE = not os.environ.get("FUZZ_RANDOM")
# Operations that revoke the token they are sent with: each call gets a token of its own.
REVOKING = {"auth_logout", "auth_tokens_destroy"}


@pytest.fixture
def django_settings_in_process(settings):
    """Requests come from schemathesis' host and keep the test's database connection (as
    Django's test client does), so they see the test's city inside its transaction."""
    settings.ALLOWED_HOSTS = ["localhost"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def people(db) -> itertools.cycle:
    """A county admin and an informant (with a case to find), each with an API token, to
    take turns example after example."""
    city = make_city()
    submit(city.informant(0))
    users = [city.county_admin(0), city.informant(0)]
    return itertools.cycle([(user, api_token_create(user=user, label="fuzz")[1]) for user in users])


def _api_schema() -> schemathesis.schemas.BaseSchema:
    """The schema /api/schema/ serves (drf-spectacular's, built without a request or data),
    its operations called on the WSGI app."""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application
    return loaded


schema = _api_schema()


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # a failure is reported as found, not shrunk
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_server_error(case, people, django_settings_in_process):
    user, token = next(people)
    if case.operation.definition.raw.get("operationId") in REVOKING:
        token = api_token_create(user=user, label="fuzz")[1]
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error])
