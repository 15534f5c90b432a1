"""Message templates: every language written out, only known placeholders, and each person's
own language when rendered."""

from __future__ import annotations

import pytest

from onegate.notify.templates import (
    ContextValue,
    TemplateError,
    message_template_get,
    message_template_register,
    template_render,
    template_validate,
)

GOOD = {
    "subject": {"en": "Booked for {when}", "th": "จองแล้ว {when}"},
    "body": {"en": "See you at {centre} on {when}.", "th": "พบกันที่ {centre} วันที่ {when}"},
}


def test_a_good_template_has_no_issues():
    assert template_validate(**GOOD, placeholders=("when", "centre")) == []


def test_an_unknown_placeholder_is_named_in_each_language_it_appears():
    issues = template_validate(
        subject={"en": "Hello {nmae}", "th": "สวัสดี {name}"},
        body={"en": "Body", "th": "เนื้อหา"},
        placeholders=("name",),
    )
    assert [(i.code, i.part, i.language, i.detail) for i in issues] == [
        ("unknown_placeholder", "subject", "en", "{nmae}")
    ]


def test_a_missing_language_and_broken_braces_are_issues():
    issues = template_validate(
        subject={"en": "Hello {name"},
        body={"en": "Hi {name}", "th": "ราคา {price:.2f}"},
        placeholders=("name", "price"),
    )
    codes = {(i.code, i.part, i.language) for i in issues}
    assert codes == {
        ("bad_braces", "subject", "en"),
        ("missing_language", "subject", "th"),
        ("bad_braces", "body", "th"),  # format specs are not placeholders: values come formatted
    }


def test_registering_a_template_with_an_unknown_placeholder_is_refused():
    with pytest.raises(TemplateError) as refused:
        message_template_register(
            event="tests.broken",
            placeholders=("name",),
            subject={"en": "Hi {name}", "th": "สวัสดี {name}"},
            body={"en": "Your code {code}", "th": "รหัส {code}"},
        )
    assert {issue.detail for issue in refused.value.issues} == {"{code}"}
    with pytest.raises(TemplateError):
        message_template_get("tests.broken")


def test_literal_braces_are_allowed_and_rendered_once():
    template = message_template_register(
        event="tests.braces",
        placeholders=("n",),
        subject={"en": "{{not a placeholder}} {n}", "th": "{{ไม่ใช่}} {n}"},
        body={"en": "x", "th": "x"},
    )
    subject, _body, _sms = template_render(template, language="en", context={"n": "1"})
    assert subject == "{not a placeholder} 1"


def test_rendering_picks_the_language_and_per_language_values():
    template = message_template_register(
        event="tests.booked",
        placeholders=("when", "centre"),
        subject=GOOD["subject"],
        body=GOOD["body"],
    )
    context: dict[str, ContextValue] = {
        "when": {"en": "1 December 2026", "th": "1 ธันวาคม 2569"},
        "centre": "Bang Rak",
    }
    assert template_render(template, language="th", context=context)[0] == "จองแล้ว 1 ธันวาคม 2569"
    assert template_render(template, language="en", context=context)[1] == (
        "See you at Bang Rak on 1 December 2026."
    )
    with pytest.raises(TemplateError):  # a value missing is a programming error, not a blank
        template_render(template, language="en", context={"when": "today"})


def test_the_identity_notices_are_registered_in_both_languages():
    offered = message_template_get("identity.delegation_offered.delegate")
    assert set(offered.subject) == {"en", "th"}
    assert message_template_get("identity.security_notice").always_email
