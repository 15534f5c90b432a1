"""Test support for versions and the designer: a small valid definition, its variants, people,
and emptying the versions table at the end of a transactional test.

``FISHING`` is a whole definition in YAML (every text in English and Thai, as the language
requires): two pages, one shown only when a boat is used, an eligibility rule, two decision
rules and rules tests that pass. ``fishing(...)`` makes variants of it for the diff and the
lifecycle tests by replacing parts of the text.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from onegate.catalogue.tests.factories import AgencyFactory
from onegate.definitions.models import DefinitionVersion
from onegate.identity.constants import StaffRole
from onegate.identity.tests.organisation_fixtures import staff_member

SLUG = "fishing-permit"
AGENCY = "immigration"

FISHING = """\
format: onegate/service-definition/1
service: fishing-permit
title:
  en: Get a fishing permit
  th: ขอใบอนุญาตตกปลา
summary:
  en: Fish in the waters of a national park.
  th: ตกปลาในเขตน้ำของอุทยานแห่งชาติ
agency: immigration
level_of_assurance: substantial

pages:
  - id: trip
    title:
      en: Your trip
      th: การเดินทางของคุณ
    fields:
      - id: days
        type: number
        label:
          en: How many days will you fish?
          th: คุณจะตกปลากี่วัน
        hint:
          en: Up to 30 days.
          th: ไม่เกิน 30 วัน
        min: 1
        max: 60
      - id: boat
        type: yes_no
        label:
          en: Will you use a boat?
          th: คุณจะใช้เรือหรือไม่
  - id: boat_details
    title:
      en: Your boat
      th: เรือของคุณ
    condition: answers.boat
    fields:
      - id: engine
        type: radios
        label:
          en: What drives the boat?
          th: เรือขับเคลื่อนด้วยอะไร
        options:
          - value: paddle
            label:
              en: Paddles
              th: ไม้พาย
          - value: motor
            label:
              en: A motor
              th: เครื่องยนต์

eligibility:
  - id: short_trip
    rule: answers.days <= 30
    reason:
      en: A permit is for 30 days at most.
      th: ใบอนุญาตออกให้ไม่เกิน 30 วัน

decision:
  rules:
    - id: motor_boat
      when: answers.boat && answers.engine == "motor"
      outcome: refer
      reason:
        en: A park officer checks motor boats.
        th: เจ้าหน้าที่อุทยานตรวจสอบเรือยนต์
  otherwise:
    outcome: approve
    reason:
      en: Your trip meets the park's rules.
      th: การเดินทางของคุณเป็นไปตามกฎของอุทยาน

notifications:
  approved:
    subject:
      en: Your fishing permit is ready
      th: ใบอนุญาตตกปลาของคุณพร้อมแล้ว
    body:
      en: Your permit is in your account.
      th: ใบอนุญาตอยู่ในบัญชีของคุณ

sla_working_days: 3
performance:
  paper_cost: 200
  paper_days: 7
  digital_cost: 10
retention:
  keep_days_after_closing: 365

tests:
  - name: A walker is approved
    answers:
      days: 3
      boat: false
    expect_outcome: approve
    expect_rule: otherwise
  - name: A motor boat is referred
    answers:
      days: 3
      boat: true
      engine: motor
    expect_outcome: refer
    expect_rule: motor_boat
  - name: A long trip is not eligible
    answers:
      days: 45
      boat: false
    expect_eligible: false
    expect_ineligible_because: short_trip
"""

# A rules test whose expectation the rules do not meet: the draft saves, publishing refuses.
FAILING_TEST = """\
  - name: A paddle boat is referred
    answers:
      days: 2
      boat: true
      engine: paddle
    expect_outcome: refer
    expect_rule: motor_boat
"""


def fishing(*replacements: tuple[str, str], append: str = "") -> str:
    """The fishing definition with each ``(old, new)`` text replaced, and ``append`` at the end."""
    text = FISHING
    for old, new in replacements:
        assert old in text, f"not in the definition: {old!r}"
        text = text.replace(old, new, 1)
    return text + append


def with_failing_test() -> str:
    return fishing(append=FAILING_TEST)


def retitled(title_en: str) -> str:
    return fishing(("  en: Get a fishing permit", f"  en: {title_en}"))


def service_owner(email: str = "owner@immigration.test", agency: str = AGENCY) -> Any:
    """A service owner of ``agency`` (which is made in the catalogue if needed)."""
    AgencyFactory(slug=agency)
    return staff_member(email, StaffRole.SERVICE_OWNER, agency)


def released_versions_delete() -> None:
    """Delete every version, released ones too, before a transactional test's flush.

    Released versions cannot be deleted (migration 0003). PostgreSQL's flush is a TRUNCATE, which
    runs no row trigger, but SQLite's is a ``DELETE FROM``: there the trigger is dropped for the
    delete and made again, in one transaction.
    """
    if connection.vendor != "sqlite":
        return
    table = DefinitionVersion._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (the model's table name, no input)
        for _name, sql in triggers:
            cursor.execute(sql)
