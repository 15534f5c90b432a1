"""The demo citizens: their accounts, who is proved already, and what README says they can show."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.core.management import call_command

from onegate.identity.constants import LevelOfAssurance, ProofingMethod
from onegate.identity.demo_citizens import CITIZENS, load_demo_citizens
from onegate.identity.forms_proofing import PassportZoneForm
from onegate.identity.models import IdentityLink, User
from onegate.identity.proofing.national_id_card import IdCardDetails
from onegate.identity.selectors import identity_level, person_id_for
from onegate.identity.services.proofing import identity_prove
from onegate.identity.tests.proofing_support import _clean_slate  # noqa: F401 (fixture)
from onegate.registries import demo_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizens():
    call_command("load_catalogue", verbosity=0)
    load_demo_citizens()
    return {
        citizen.email.split("@")[0]: User.objects.get(email=citizen.email) for citizen in CITIZENS
    }


def test_who_is_proved_and_how(citizens):
    links = {
        link.user.email.split("@")[0]: link for link in IdentityLink.objects.select_related("user")
    }
    assert {name: (link.method, link.level) for name, link in links.items()} == {
        "kenji.watanabe": (ProofingMethod.PASSPORT, LevelOfAssurance.SUBSTANTIAL),
        "somsak.saengthong": (ProofingMethod.NATIONAL_ID_CARD, LevelOfAssurance.SUBSTANTIAL),
        "wichai.bunma": (ProofingMethod.IN_PERSON, LevelOfAssurance.HIGH),
    }
    assert person_id_for(citizens["wichai.bunma"]) == str(demo_people.WICHAI)
    assert links["wichai.bunma"].officer is not None


def test_every_demo_citizen_can_sign_in_with_the_published_password_and_app(citizens):
    for citizen in CITIZENS:
        user = authenticate(email=citizen.email, password=citizen.password)
        assert user is not None, citizen.email
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_loading_again_changes_nothing_that_was_proved(citizens):
    before = list(IdentityLink.objects.order_by("user__email").values_list("pk", "level"))
    load_demo_citizens()
    assert list(IdentityLink.objects.order_by("user__email").values_list("pk", "level")) == before
    assert User.objects.filter(email__endswith="@demo.onegate.test", is_staff=False).count() == 6


def test_mali_can_prove_herself_with_the_card_details_readme_gives(citizens):
    mali = citizens["mali.bunma"]
    assert identity_level(mali) == LevelOfAssurance.LOW
    details = IdCardDetails(
        national_id="1103095120530",
        given_name="มาลี",
        family_name="บุญมา",
        date_of_birth=dt.date(1986, 6, 21),
        laser_code="ME9512053314",
    )
    assert identity_prove(
        account=mali, method=ProofingMethod.NATIONAL_ID_CARD, details=details
    ).proved
    assert person_id_for(mali) == str(demo_people.MALI)


def test_emily_can_prove_herself_with_the_zone_the_loader_prints():
    call_command("load_catalogue", verbosity=0)
    emily_line = next(c for c in load_demo_citizens() if c.email.startswith("emily"))
    zone = emily_line.shows.split("machine-readable zone: ")[1].replace(" / ", "\n")
    form = PassportZoneForm({"mrz": zone})
    assert form.is_valid(), form.errors
    emily = User.objects.get(email=emily_line.email)
    assert identity_prove(
        account=emily, method=ProofingMethod.PASSPORT, details=form.details()
    ).proved
    assert person_id_for(emily) == str(demo_people.EMILY)


def test_the_command_prints_each_accounts_sign_in_details():
    from io import StringIO

    call_command("load_catalogue", verbosity=0)
    out = StringIO()
    call_command("load_demo_citizens", stdout=out)
    for citizen in CITIZENS:
        assert citizen.email in out.getvalue()
        assert citizen.totp_secret in out.getvalue()
