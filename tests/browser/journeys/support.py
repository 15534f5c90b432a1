"""What the journeys share: loading the demo government, a person at a browser who signs in as
a person does (password, then the authenticator app's code), the tour's screenshots and the
measured outcome of each story.

A ``Walker`` records every screen it loads and every character typed into a field, so a story
can report how many screens it took after signing in and how many facts it typed that a register
already knew. ``Walker.shot(name)`` saves the page for the tour: into ``docs/tour/<language>/``
when ``ONEGATE_TOUR_DIR`` is set (``make tour``), otherwise into ``test-artifacts/tour/`` for
people to look at after a run. ``outcome_record`` adds a story's numbers to
``test-artifacts/journeys.json`` (and to the tour's ``outcomes.json`` under ``make tour``), from
which ``tests/browser/journeys/outcomes.py`` writes README's outcome table.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

from onegate.identity.demo_citizens import CITIZENS, DemoCitizen
from onegate.identity.demo_staff import DEMO_STAFF_PASSWORD, DEMO_STAFF_TOTP_SECRET, DOMAIN
from onegate.identity.tests.account_fixtures import totp_code
from tests.browser.cases_support import ARTIFACTS, artifact_update
from tests.browser.conftest import SCREENSHOTS_ON
from tests.browser.test_runner_journey import Person

ROOT = Path(__file__).resolve().parents[3]
TOUR_DIR = Path(os.environ["ONEGATE_TOUR_DIR"]) if os.environ.get("ONEGATE_TOUR_DIR") else None
LANGUAGES = ("en", "th")
PREFIX = {"en": "", "th": "/th"}

TOTP_STEP_SECONDS = 30
TOTP_SAFE_SECONDS = 6  # long enough to type the code, press Continue and be answered


def demo_government_load() -> None:
    """What ``manage.py demo_setup`` loads, less the bulk no story needs (see conftest)."""
    from onegate.appointments.demo import load_demo_appointments
    from onegate.catalogue.selectors import catalogue_forget
    from onegate.credentials.demo import load_demo_credentials
    from onegate.credentials.publishing import publishing_forget
    from onegate.definitions.demo import load_demo_definitions
    from onegate.definitions.selectors import definition_cache_clear
    from onegate.demo_rp.demo import load_demo_rp
    from onegate.identity.demo_citizens import load_demo_citizens
    from onegate.identity.demo_staff import load_demo_staff
    from onegate.registries.demo_people import load_demo_people
    from onegate.registries.demo_subscriptions import load_demo_subscriptions
    from onegate.registries.divisions.loading import divisions_load
    from onegate.registries.models import District, Province, SubDistrict

    # A live-server test ends with a flush, which empties what the migrations loaded too: the
    # next story's demo people need the provinces, districts and sub-districts again.
    if not SubDistrict.objects.exists():
        divisions_load(Province, District, SubDistrict)
    load_demo_people()
    load_demo_subscriptions()
    load_demo_staff()
    load_demo_citizens()
    load_demo_appointments()
    load_demo_rp()
    load_demo_definitions(warnings=_Discard())
    load_demo_credentials()
    definition_cache_clear()
    catalogue_forget()
    cache.clear()
    # The issuer's keys and status lists this process keeps for a few seconds belong to the
    # previous story's database: its first credential would be signed by a key not trusted yet.
    publishing_forget()


class _Discard:
    def write(self, text: str) -> int:
        return len(text)


# --- who signs in -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """A demo sign-in: what README's tables give a demonstrator."""

    email: str
    password: str
    totp_secret: str


def citizen_account(local: str) -> Account:
    """A demo citizen by the part of their email before the @ (``kenji.watanabe``)."""
    found: DemoCitizen = next(c for c in CITIZENS if c.email.split("@")[0] == local)
    return Account(found.email, found.password, found.totp_secret)


def staff_account(local: str) -> Account:
    """A demo staff member by the part of their email before the @ (``caseworker.transport``)."""
    return Account(f"{local}@{DOMAIN}", DEMO_STAFF_PASSWORD, DEMO_STAFF_TOTP_SECRET)


_USED_CODES: dict[str, set[str]] = {}
_SHOT_NUMBERS: dict[tuple[str, str], int] = {}


def fresh_code(account: Account) -> str:
    """A code the server has not taken from this account yet and will still take when the form
    arrives (a code read in the last seconds of its 30 is waited out, as a person would)."""
    used = _USED_CODES.setdefault(account.email, set())
    while TOTP_STEP_SECONDS - time.time() % TOTP_STEP_SECONDS < TOTP_SAFE_SECONDS:
        time.sleep(0.25)
    code = totp_code(account.totp_secret)
    while code in used:
        time.sleep(0.5)
        code = totp_code(account.totp_secret)
    used.add(code)
    return code


# --- a person at a browser ----------------------------------------------------------------------


@dataclass
class Walker(Person):
    """A person at a device of their own (see ``Person``), in one language."""

    language: str = "en"
    story: str = "journey"
    shots: list[str] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return PREFIX[self.language]

    def open(self, path: str) -> None:
        """Open ``path`` in this person's language (``/services/x/`` → ``/th/services/x/``)."""
        self.go(self.prefix + path)

    def sign_in(self, account: Account) -> None:
        """Sign in as a person does: email and password, then the authenticator app's code."""
        self.page.goto(f"{self.site}{self.prefix}/accounts/login/")
        self.page.fill("#id_login", account.email)
        self.page.fill("#id_password", account.password)
        self.press("main form[action$='/accounts/login/'] button[type=submit]")
        if self.page.locator("#id_code").count():
            self.page.fill("#id_code", fresh_code(account))
            self.press("main form button[type=submit]")
        name = self.page.locator(".og-header__account-name")
        assert name.count(), f"not signed in as {account.email}: {self.path()}"

    def sign_out(self) -> None:
        self.press(".og-header__button")

    def h1(self) -> str:
        return str(self.page.locator("h1").first.inner_text()).strip()

    def main(self) -> str:
        return str(self.page.locator("main").inner_text())

    def shot(self, name: str) -> Path:
        """Save this page for the tour, as ``<story>-<NN>-<name>.png`` in this language."""
        folder = (TOUR_DIR or ARTIFACTS / "tour") / self.language
        folder.mkdir(parents=True, exist_ok=True)
        self.shots.append(name)
        # one sequence per story and language, whoever's browser takes the shot
        number = _SHOT_NUMBERS.get((self.story, self.language), 0) + 1
        _SHOT_NUMBERS[(self.story, self.language)] = number
        path = folder / f"{self.story}-{number:02d}-{name}.png"
        if TOUR_DIR is not None or SCREENSHOTS_ON:  # the tour always wants its pictures
            self.page.screenshot(path=str(path), full_page=True)
        return path

    def fields_typed(self) -> int:
        """The fields typed into, once each: a date's day, month and year are one field, and a
        field typed wrong and then again is still one."""
        return len({re.sub(r"[-_](day|month|year)$", "", one.field) for one in self.typed})

    def screens_since(self, mark: int) -> list[str]:
        """The distinct screens (paths without query) loaded since ``len(self.screens)`` was
        ``mark``, in order."""
        paths = (re.sub(r"\?.*$", "", one) for one in self.screens[mark:])
        return list(dict.fromkeys(paths))


@dataclass
class Browsers:
    """Opens people at browsers on the live server."""

    browser: Any
    site: str
    contexts: list[Any] = field(default_factory=list)

    def person(
        self,
        *,
        story: str,
        language: str = "en",
        width: int = 1280,
        javascript: bool = True,
    ) -> Walker:
        context = self.browser.new_context(
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            bypass_csp=True,  # axe is injected as a script
            locale="th-TH" if language == "th" else "en-GB",
        )
        self.contexts.append(context)
        page = context.new_page()
        walker = Walker(context=context, page=page, site=self.site, language=language, story=story)

        def loaded(frame: Any) -> None:
            if frame == page.main_frame:
                walker.screens.append(walker.path())

        page.on("framenavigated", loaded)
        return walker

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def session_cookie_name() -> str:
    return str(settings.SESSION_COOKIE_NAME)


# --- what a story measured ----------------------------------------------------------------------


@dataclass
class Outcome:
    """One story's numbers, as README's outcome table shows them.

    ``screens`` counts the distinct screens the person loaded after signing in, to the end of
    their part; ``typed_fields`` the fields they typed into; ``registry_facts_typed`` the
    characters typed into fields whose answer a register already held; ``seconds`` the scripted
    wall time of the person's part; ``paper`` and ``visit`` whether any paper or any visit to an
    office was needed."""

    story: str
    language: str
    screens: int
    typed_fields: int
    registry_facts_typed: int
    seconds: float
    paper: bool
    visit: bool
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def outcome_record(outcome: Outcome) -> None:
    entry = {f"{outcome.story}-{outcome.language}": asdict(outcome)}
    artifact_update("journeys.json", entry)
    if TOUR_DIR is not None:
        TOUR_DIR.mkdir(parents=True, exist_ok=True)
        target = TOUR_DIR / "outcomes.json"
        found = json.loads(target.read_text()) if target.exists() else {}
        found.update(entry)
        target.write_text(json.dumps(dict(sorted(found.items())), indent=2, ensure_ascii=False))
