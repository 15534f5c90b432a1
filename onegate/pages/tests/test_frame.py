"""The page frame's kept pieces: addresses, the skip link, phase banner and footer are worked out
once per language but every page still gets its own language's; the language switch still
leads to the same page; every form on a page carries one working CSRF token; a changed
setting is not hidden by what was kept."""

from __future__ import annotations

import re
from collections import ChainMap

import pytest
from django.template import engines
from django.test import Client, override_settings
from django.urls import reverse, translate_url

from onegate.identity.tests.account_fixtures import make_account

pytestmark = pytest.mark.django_db

FOOTER = re.compile(r'<footer class="og-footer".*?</footer>', re.S)


def footer_links(body: str) -> list[str]:
    found = FOOTER.search(body)
    assert found, "page has no footer"
    return re.findall(r'href="([^"]+)"', found.group(0))


def test_each_language_gets_its_own_frame_whichever_was_shown_first(client):
    english = client.get("/privacy/").content.decode()
    thai = client.get("/th/privacy/").content.decode()
    english_again = client.get("/cookies/").content.decode()

    assert footer_links(english) == footer_links(english_again)
    assert footer_links(english)[:3] == ["/accessibility/", "/privacy/", "/cookies/"]
    assert footer_links(thai)[:3] == ["/th/accessibility/", "/th/privacy/", "/th/cookies/"]
    assert "This is a demonstration government." in english_again
    assert "This is a demonstration government." not in thai
    assert 'href="#main-content"' in thai and 'href="#main-content"' in english_again
    assert '<a href="/th/" class="og-header__brand">' in thai
    assert '<a href="/" class="og-header__brand">' in english_again


@pytest.mark.parametrize(
    "path",
    [
        "/services/no-such-service/",  # resolved (the view then says 404): a path with a slug
        "/th/agencies/no-such-agency/",
        "/th/life-events/having-a-baby/",
        "/services/caf%C3%A9/",  # does not resolve: the other language's home page
    ],
)
def test_the_language_switch_translates_the_page_as_django_does(client, path):
    response = client.get(f"{path}?from=test")
    link = re.search(r'<a href="([^"]*)" class="og-header__language"', response.content.decode())
    assert link is not None
    other = "en" if path.startswith("/th/") else "th"
    translated = translate_url(path, other)
    if translated == path:  # not a page of ours: the other language's home
        expected = "/" if other == "en" else "/th/"
    else:
        expected = f"{translated}?from=test"
    assert link.group(1) == expected


def test_every_form_on_a_signed_in_page_carries_one_token_that_works():
    user = make_account("ploy@example.test")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    body = browser.get("/privacy/").content.decode()

    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert len(tokens) >= 3  # "Sign out" in the header, and the session dialog's two forms
    assert len(set(tokens)) == 1
    signed_out = browser.post(reverse("account_logout"), {"csrfmiddlewaretoken": tokens[0]})
    assert signed_out.status_code == 302
    assert "_auth_user_id" not in browser.session


def test_a_changed_setting_is_not_hidden_by_kept_addresses(client):
    client.get("/privacy/")  # keeps the stylesheet's address
    with override_settings(STATIC_URL="/assets/"):
        body = client.get("/privacy/").content.decode()
    assert 'href="/assets/onegate.css"' in body
    assert 'href="/static/onegate.css"' in client.get("/privacy/").content.decode()


def test_a_templates_globals_have_the_same_names_as_jinjas_own():
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    plain = env.make_globals(None)
    assert set(plain.keys()) == set(ChainMap({}, env.globals).keys())
    own = env.make_globals({"only_here": 1})
    assert set(own.keys()) == set(env.globals) | {"only_here"}
    assert {"only_here", "url"} - own.keys() == set()
    # A template importing a macro still sees the page's globals (url, static, _ …).
    page = env.from_string(
        '{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}'
        '{{ govukTag({"text": _("Beta")}) }} {{ url("pages:privacy") }}'
    )
    assert "Beta" in page.render() and "/privacy/" in page.render()
