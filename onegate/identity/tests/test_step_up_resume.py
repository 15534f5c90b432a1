"""Pages a step-up sends people to that do not return by themselves link back to where they were."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_user("resume@example.test", "long enough pw")
    )
    return client


def test_sign_in_methods_page_links_back_to_the_page_that_asked(signed_in):
    session = signed_in.session
    session["identity.step_up_pending"] = "/account/data-access/"
    session.save()
    page = signed_in.get(reverse("mfa_index")).content.decode()
    assert "Continue where you were" in page
    assert 'href="/account/data-access/"' in page


@pytest.mark.parametrize("pending", [None, "//evil.example/", "https://evil.example/"])
def test_no_banner_without_a_local_page_to_return_to(signed_in, pending):
    if pending:
        session = signed_in.session
        session["identity.step_up_pending"] = pending
        session.save()
    assert "Continue where you were" not in signed_in.get(reverse("mfa_index")).content.decode()
