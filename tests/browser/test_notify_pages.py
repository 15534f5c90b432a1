"""The messages pages in a real browser (Chromium, axe-core): a parent's inbox with a message
about their child, the message itself, and the preferences page, at 320 px and 1280 px, in
English and Thai: axe finds nothing and nothing scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from onegate.identity.tests.acting_fixtures import make_household
from onegate.notify.services import message_send
from onegate.notify.templates import message_template_register
from tests.browser.conftest import LANGUAGE_PREFIX, WIDTHS, Visit, format_violations

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def parent_with_message(demo_site: str):
    message_template_register(
        event="tests.browser",
        placeholders=("child",),
        subject={"en": "Health card ready for {child}", "th": "บัตรสุขภาพของ{child}พร้อมแล้ว"},
        body={
            "en": "The health card for {child} is ready.\n\nIt is in your OneGate wallet.",
            "th": "บัตรสุขภาพของ{child}พร้อมแล้ว\n\nอยู่ในกระเป๋าเอกสาร OneGate ของคุณ",
        },
    )
    home = make_household()
    [*_others, inbox] = sorted(
        message_send(
            event="tests.browser",
            context={"child": {"en": "Niran Jaidee", "th": "นิรันดร์ ใจดี"}},
            about_person_id=str(home.child.pk),
        ),
        key=lambda m: m.channel == "inbox",
    )
    client = Client()
    client.force_login(home.parent_user)
    return inbox, client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.parametrize("language", ["en", "th"])
@pytest.mark.parametrize("width", ["mobile", "desktop"])
def test_the_messages_pages_have_no_axe_violations(
    browser: Any,
    demo_site: str,
    parent_with_message,
    language: str,
    width: str,
) -> None:
    message, session = parent_with_message
    context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900}, bypass_csp=True)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": demo_site}]
    )
    page = context.new_page()
    prefix = LANGUAGE_PREFIX[language]
    try:
        for path in (
            "/account/messages/",
            f"/account/messages/{message.pk}/",
            "/account/messages/preferences/",
            "/account/messages/preferences/phone/",
        ):
            page.goto(f"{demo_site}{prefix}{path}")
            assert page.locator("h1").count() == 1
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
            violations = Visit(page=page, url=page.url).axe_violations()
            assert not violations, f"{path}: {format_violations(violations)}"
        # the message was opened: the header no longer counts it as unread
        page.goto(f"{demo_site}{prefix}/account/messages/")
        assert page.locator(".og-inbox-link .govuk-tag").count() == 0
    finally:
        context.close()
