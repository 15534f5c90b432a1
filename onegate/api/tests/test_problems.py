"""Every API error is RFC 9457 problem details: unknown paths, wrong methods, bad input, bugs."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils import translation

from onegate.api.constants import ABOUT_BLANK, REASON_PHRASES
from onegate.api.problems import MALFORMED_BODY, PROBLEM_TYPES, VALIDATION_ERROR, field_error
from onegate.api.tests.problem_checks import assert_problem, is_uri_reference

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = [pytest.mark.urls("onegate.api.tests.sample_api")]

RFC_EXAMPLE_BODY = {"age": 42.3, "profile": {"color": "yellow"}}


def post_json(client: Client, url: str, body: object, **headers: str) -> TestResponse:
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


class TestUnknownPaths:
    @pytest.mark.parametrize("url", ["/api/v1/nothing-here", "/api/v1/a/b/c", "/api/v1/"])
    def test_an_unknown_api_path_is_a_404_problem(self, client: Client, url: str) -> None:
        body = assert_problem(client.get(url), 404)
        assert body["type"] == ABOUT_BLANK
        assert body["title"] == "Not Found"

    def test_a_browser_asking_for_html_still_gets_a_problem_not_the_site_page(
        self, client: Client
    ) -> None:
        response = client.get("/api/v1/nothing-here", headers={"Accept": "text/html"})
        assert_problem(response, 404)
        assert b"<html" not in response.content

    def test_a_post_to_an_unknown_path_is_a_404_not_a_csrf_failure(self) -> None:
        client = Client(enforce_csrf_checks=True)
        assert_problem(client.post("/api/v1/nothing-here", {}), 404)

    def test_an_unknown_problem_type_is_a_404_problem(self, client: Client) -> None:
        assert_problem(client.get("/api/v1/problems/no-such-type"), 404)


class TestMethodNotAllowed:
    @pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
    def test_a_wrong_method_is_a_405_problem_naming_the_allowed_ones(
        self, client: Client, method: str
    ) -> None:
        response = getattr(client, method)("/api/v1/status")
        body = assert_problem(response, 405)
        assert response["Allow"] == "GET"
        assert method.upper() in body["detail"]


class TestValidation:
    def test_the_rfc_example_gets_a_422_with_a_pointer_to_each_bad_value(
        self, client: Client
    ) -> None:
        response = post_json(client, "/api/sample/applicants", RFC_EXAMPLE_BODY)

        body = assert_problem(response, 422)
        assert body["title"] == str(VALIDATION_ERROR.title)
        assert [(e["in"], e["pointer"]) for e in body["errors"]] == [
            ("body", "#/age"),
            ("body", "#/profile/color"),
        ]
        assert all(isinstance(error["detail"], str) and error["detail"] for error in body["errors"])
        assert "42.3" not in response.content.decode()  # the values sent are not echoed back

    def test_the_validation_type_is_an_absolute_uri_that_documents_itself(
        self, client: Client
    ) -> None:
        body = assert_problem(post_json(client, "/api/sample/applicants", {}), 422)

        assert body["type"].startswith("http://testserver/")
        documentation = client.get(body["type"])
        assert documentation.status_code == 200
        assert documentation.json() == {
            "type": body["type"],
            "title": body["title"],
            "status": 422,
            "description": str(VALIDATION_ERROR.description),
        }

    def test_the_same_type_has_the_same_title_each_time(self, client: Client) -> None:
        first = assert_problem(post_json(client, "/api/sample/applicants", {"age": -1}), 422)
        second = assert_problem(client.get("/api/sample/applicants?limit=many"), 422)
        assert (first["type"], first["title"]) == (second["type"], second["title"])
        assert first["instance"] != second["instance"]

    def test_a_missing_body_points_at_the_whole_document(self, client: Client) -> None:
        response = client.post("/api/sample/applicants", b"", content_type="application/json")
        body = assert_problem(response, 422)
        assert [error["pointer"] for error in body["errors"]] == ["#"]

    def test_a_bad_query_parameter_is_named(self, client: Client) -> None:
        body = assert_problem(client.get("/api/sample/applicants?limit=many"), 422)
        assert body["errors"] == [
            {"detail": body["errors"][0]["detail"], "in": "query", "parameter": "limit"}
        ]

    @pytest.mark.parametrize("content", [b'{"age": 4', b"age=4", b'{"age": "\xff"}'])
    def test_a_body_that_is_not_json_is_a_400_malformed_body_problem(
        self, client: Client, content: bytes
    ) -> None:
        response = client.post("/api/sample/applicants", content, content_type="application/json")
        body = assert_problem(response, 400)
        assert body["type"].endswith(f"/problems/{MALFORMED_BODY.slug}")
        assert body["title"] == str(MALFORMED_BODY.title)


class TestErrorsInOperations:
    def test_a_bug_is_a_500_problem_without_internals_and_its_instance_is_logged(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        client = Client(raise_request_exception=False)

        with caplog.at_level(logging.ERROR, logger="onegate.api.problems"):
            response = client.get("/api/sample/broken")

        body = assert_problem(response, 500)
        assert "1234567890123" not in response.content.decode()
        [record] = [r for r in caplog.records if r.name == "onegate.api.problems"]
        assert body["instance"] in record.getMessage()
        # The stack goes to the log (not the client); the exception's message does not.
        logged = logging.Formatter().format(record)
        assert "Traceback" in logged
        assert "1234567890123" not in logged

    def test_a_bug_is_reported_like_any_unhandled_exception(self, client: Client) -> None:
        # Django's got_request_exception signal fires, so error reporting sees API bugs too.
        with pytest.raises(RuntimeError):
            client.get("/api/sample/broken")

    def test_a_404_from_an_operation_does_not_echo_its_message(self, client: Client) -> None:
        response = client.get("/api/sample/missing")
        assert_problem(response, 404)
        assert "1234567890123" not in response.content.decode()

    def test_permission_denied_is_a_403_problem(self, client: Client) -> None:
        response = client.get("/api/sample/forbidden")
        assert_problem(response, 403)
        assert "1234567890123" not in response.content.decode()

    def test_throttling_is_a_429_problem_saying_when_to_retry(self, client: Client) -> None:
        response = client.get("/api/sample/throttled")
        assert_problem(response, 429)
        assert response["Retry-After"] == "30"


class TestNegotiation:
    @pytest.mark.parametrize(
        "accept", ["application/json", "text/html", "application/xml", "*/*", ""]
    )
    def test_problems_are_problem_json_whatever_the_client_accepts(
        self, client: Client, accept: str
    ) -> None:
        assert_problem(client.get("/api/v1/nothing-here", headers={"Accept": accept}), 404)
        validation = post_json(client, "/api/sample/applicants", {}, Accept=accept)
        assert_problem(validation, 422)

    def test_a_thai_client_gets_the_title_in_the_language_it_is_told(self, client: Client) -> None:
        response = client.get("/api/v1/nothing-here", headers={"Accept-Language": "th"})

        body = assert_problem(response, 404, language="th")
        assert response["Content-Language"] == "th"
        with translation.override("th"):
            assert body["title"] == str(REASON_PHRASES[404])

    def test_successful_answers_stay_plain_json(self, client: Client) -> None:
        response = client.get("/api/v1/status", headers={"Accept": "text/html"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"


def test_every_problem_type_documents_its_uri_title_and_status(client: Client) -> None:
    for slug, problem in PROBLEM_TYPES.items():
        documentation = client.get(f"/api/v1/problems/{slug}").json()
        assert documentation["type"] == f"http://testserver/api/v1/problems/{slug}"
        assert (documentation["title"], documentation["status"]) == (
            str(problem.title),
            problem.status,
        )


@pytest.mark.parametrize(
    ("loc", "pointer"),
    [
        (("applicant", "age"), "#/age"),
        (("applicant",), "#"),
        (("applicant", "children", 0, "name"), "#/children/0/name"),
        (("applicant", "a/b~c"), "#/a~1b~0c"),
        (("applicant", "ชื่อ"), "#/%E0%B8%8A%E0%B8%B7%E0%B9%88%E0%B8%AD"),
    ],
)
def test_body_pointers_are_rfc_6901_pointers_in_uri_fragment_form(
    loc: tuple[str | int, ...], pointer: str
) -> None:
    error = field_error(source="body", loc=loc, body_attr="applicant", message="wrong")
    assert error == {"detail": "wrong", "in": "body", "pointer": pointer}
    assert is_uri_reference(pointer)
