"""A page's questions read from a POST: every type's good and wrong answers, with messages in the
person's language, hidden and prefilled fields taking nothing from the POST, conditional reveal,
"add another", files, and every demo service's pages rendering.

Most tests read a page of ``EVERY_TYPE`` in preview (no application); the last ones fill in real
drafts of the demo services.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import re
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.template import engines
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from onegate.definitions.demo import DEMO_SERVICES_DIR
from onegate.definitions.language import CompiledDefinition, definition_compile
from onegate.identity.tests.acting_fixtures import make_household, strong_session
from onegate.runner.fields import (
    PageForm,
    Widget,
    address_answer_lines,
    address_country_name,
    page_form,
)
from onegate.runner.models import Application, Upload
from onegate.runner.services import application_page_save
from onegate.runner.tests.test_services import (
    LICENCE,
    driver,
    published,  # noqa: F401  (fixture)
    start_for,
)
from onegate.runner.tests.test_uploads import pdf_written

# A service asking every field type, a few pages of each kind.
EVERY_TYPE = """\
format: onegate/service-definition/1
service: every-type
title: {en: Every question type, th: คำถามทุกประเภท}
summary: {en: A service for the runner's tests., th: บริการสำหรับการทดสอบ}
agency: immigration
level_of_assurance: low
facts:
  name: person.name
  address: person.address
pages:
  - id: about
    title: {en: About you, th: เกี่ยวกับคุณ}
    fields:
      - id: given_name
        type: text
        label: {en: Given name, th: ชื่อตัว}
        prefill: name.given_th
      - id: name
        type: text
        label: {en: Nickname, th: ชื่อเล่น}
        min_length: 2
        max_length: 10
        validations:
          - rule: value != "admin"
            message: {en: Choose another nickname, th: โปรดเลือกชื่อเล่นอื่น}
      - id: story
        type: long_text
        label: {en: Your story, th: เรื่องของคุณ}
        required: false
        max_length: 20
      - id: count
        type: number
        label: {en: How many people, th: จำนวนคน}
        min: 1
        max: 20
      - id: fee
        type: money
        label: {en: Fee, th: ค่าธรรมเนียม}
        min: 0
        max: 2000
  - id: dates
    title: {en: Dates, th: วันที่}
    fields:
      - id: born
        type: date
        label: {en: Date of birth, th: วันเกิด}
        not_after: today()
      - id: trip
        type: date
        label: {en: Day you travel, th: วันเดินทาง}
        required: false
        not_before: today()
        not_after: add_days(today(), 30)
      - id: back
        type: date
        label: {en: Day you come back, th: วันเดินทางกลับ}
        required: false
        validations:
          - rule: answers.back > answers.trip
            message: {en: You must come back after you travel, th: วันกลับต้องอยู่หลังวันเดินทาง}
  - id: contact
    title: {en: Contact, th: การติดต่อ}
    fields:
      - {id: email, type: email, label: {en: Email, th: อีเมล}}
      - {id: phone, type: phone, label: {en: Phone, th: โทรศัพท์}}
      - {id: pin, type: thai_id, label: {en: ID number, th: เลขประจำตัวประชาชน}}
      - {id: passport, type: passport_number, label: {en: Passport, th: หนังสือเดินทาง}}
  - id: choices
    title: {en: Choices, th: ตัวเลือก}
    fields:
      - id: colour
        type: radios
        label: {en: Colour, th: สี}
        options:
          - {value: red, label: {en: Red, th: แดง}}
          - {value: blue, label: {en: Blue, th: น้ำเงิน}, hint: {en: Like the sky, th: สีฟ้า}}
      - id: shade
        type: text
        label: {en: Which blue, th: สีน้ำเงินแบบไหน}
        condition: answers.colour == "blue"
      - id: size
        type: select
        label: {en: Size, th: ขนาด}
        options:
          - {value: small, label: {en: Small, th: เล็ก}}
          - {value: large, label: {en: Large, th: ใหญ่}}
      - id: extras
        type: checkboxes
        label: {en: Extras, th: ของเพิ่ม}
        required: false
        options:
          - {value: sugar, label: {en: Sugar, th: น้ำตาล}}
          - {value: milk, label: {en: Milk, th: นม}}
          - {value: lemon, label: {en: Lemon, th: มะนาว}}
      - id: lemon_kind
        type: text
        label: {en: Which lemon, th: มะนาวแบบไหน}
        condition: '"lemon" in answers.extras'
      - id: pets
        type: yes_no
        label: {en: Do you have pets, th: คุณมีสัตว์เลี้ยงไหม}
      - id: pet_names
        type: text
        label: {en: Their names, th: ชื่อสัตว์เลี้ยง}
        condition: answers.pets
      - id: red_pets
        type: text
        label: {en: Red pets, th: สัตว์เลี้ยงสีแดง}
        condition: answers.colour == "red" && answers.pets
      - id: big_group
        type: text
        label: {en: Who leads the group, th: ใครเป็นหัวหน้ากลุ่ม}
        condition: answers.count > 5
  - id: declare
    title: {en: Declaration, th: คำรับรอง}
    fields:
      - id: agree
        type: declaration
        label: {en: Declaration, th: คำรับรอง}
        statement: {en: What I said is true., th: ข้อมูลที่ให้เป็นความจริง}
  - id: places
    title: {en: Addresses, th: ที่อยู่}
    fields:
      - {id: home, type: address, label: {en: Home, th: บ้าน}}
      - id: abroad
        type: address
        scope: international
        required: false
        label: {en: Address abroad, th: ที่อยู่ต่างประเทศ}
      - id: anywhere
        type: address
        scope: any
        required: false
        label: {en: Where to send it, th: ที่อยู่จัดส่ง}
      - id: registered
        type: address
        scope: any
        prefill: address
        label: {en: Registered address, th: ที่อยู่ตามทะเบียนบ้าน}
  - id: people
    title: {en: People, th: บุคคล}
    fields:
      - id: who
        type: person
        label: {en: Who is it for, th: สำหรับใคร}
        choose_from: [self, children]
  - id: group
    title: {en: Travellers, th: ผู้เดินทาง}
    fields:
      - id: travellers
        type: group
        label: {en: Who is travelling, th: ใครเดินทางบ้าง}
        item_label: {en: Traveller, th: ผู้เดินทาง}
        min_items: 1
        max_items: 3
        fields:
          - {id: traveller, type: text, label: {en: Full name, th: ชื่อเต็ม}}
          - id: traveller_born
            type: date
            label: {en: Date of birth, th: วันเกิด}
            not_after: today()
          - id: kind
            type: select
            label: {en: Age group, th: ช่วงอายุ}
            options:
              - {value: adult, label: {en: Adult, th: ผู้ใหญ่}}
              - {value: child, label: {en: Child, th: เด็ก}}
          - id: school
            type: text
            label: {en: School, th: โรงเรียน}
            condition: item.kind == "child"
            validations:
              - rule: item.traveller != value
                message: {en: "Give the school's name, not the child's", th: โปรดระบุชื่อโรงเรียน}
  - id: files
    title: {en: Files, th: ไฟล์}
    fields:
      - id: proof
        type: file
        label: {en: Proof, th: หลักฐาน}
        accept: [pdf]
        max_files: 2
decision:
  otherwise:
    outcome: refer
    reason: {en: An officer decides., th: เจ้าหน้าที่เป็นผู้พิจารณา}
sla_working_days: 5
performance: {paper_cost: 1, paper_days: 1, digital_cost: 1}
retention: {keep_days_after_closing: 30}
"""

VALID_ID = "1101700230708"


@pytest.fixture(scope="module")
def compiled() -> CompiledDefinition:
    return definition_compile(EVERY_TYPE)


def page_of(compiled: CompiledDefinition, page_id: str) -> Any:
    return next(page for page in compiled.model.pages if page.id == page_id)


def query(data: dict[str, Any]) -> QueryDict:
    posted = QueryDict(mutable=True)
    for key, value in data.items():
        posted.setlist(key, value if isinstance(value, list) else [value])
    return posted


def post(
    compiled: CompiledDefinition,
    page_id: str,
    data: dict[str, Any],
    language: str = "en",
    **kw: Any,
) -> PageForm:
    return page_form(
        compiled=compiled,
        page=page_of(compiled, page_id),
        application=kw.pop("application", None),
        language=language,
        data=query(data),
        **kw,
    )


def shown(compiled: CompiledDefinition, page_id: str, language: str = "en", **kw: Any) -> PageForm:
    return page_form(
        compiled=compiled,
        page=page_of(compiled, page_id),
        application=kw.pop("application", None),
        language=language,
        **kw,
    )


def errors(form: PageForm) -> dict[str, str]:
    """The error summary as {input id: message}."""
    return {item["href"].removeprefix("#"): item["text"] for item in form.errors}


def all_widgets(widgets: list[Widget]) -> list[Widget]:
    found = []
    for widget in widgets:
        found.append(widget)
        found += all_widgets(widget.reveal)
        for item in widget.items:
            found += all_widgets(item)
    return found


def widget(form: PageForm, name: str) -> Widget:
    return next(each for each in all_widgets(form.widgets) if each.name == name)


def names(form: PageForm) -> list[str]:
    return [each.name for each in all_widgets(form.widgets)]


ABOUT = {"name": "Nok", "count": "3", "fee": "100"}
CHOICES = {"colour": "red", "size": "small", "pets": "no"}
DATES = {"born-day": "27", "born-month": "3", "born-year": "1984"}


# --- text and numbers ------------------------------------------------------------------------


def test_a_good_page_gives_its_answers_as_json(compiled) -> None:
    form = post(compiled, "about", ABOUT | {"story": "  Once upon a time  "})

    assert form.valid
    assert form.answers == {"name": "Nok", "story": "Once upon a time", "count": 3, "fee": "100.00"}


def test_a_required_answer_left_empty_names_the_question(compiled) -> None:
    form = post(compiled, "about", ABOUT | {"name": "  "})

    assert errors(form) == {"name": "Enter your answer to “Nickname”"}
    assert "name" not in form.answers
    assert form.answers["count"] == 3  # the other answers are valid


def test_an_optional_answer_left_empty_is_none(compiled) -> None:
    form = post(compiled, "about", ABOUT | {"story": ""})

    assert form.valid
    assert form.answers["story"] is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("N", "“Nickname” must be 2 characters or more"),
        ("Nokkkkkkkkk", "“Nickname” must be 10 characters or fewer"),
        ("admin", "Choose another nickname"),  # the definition's own validation
    ],
)
def test_text_length_and_the_definitions_validation(compiled, typed, message) -> None:
    form = post(compiled, "about", ABOUT | {"name": typed})

    assert errors(form) == {"name": message}
    assert widget(form, "name").value == typed  # shown again as typed


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("12", 12), ("๑๒", 12), (" 1 ", 1), ("+20", 20)],
)
def test_a_whole_number_in_arabic_or_thai_digits(compiled, typed, stored) -> None:
    assert post(compiled, "about", ABOUT | {"count": typed}).answers["count"] == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1.5", "“How many people” must be a whole number, like 12"),
        ("three", "“How many people” must be a whole number, like 12"),
        ("0", "“How many people” must be 1 or more"),
        ("1,000", "“How many people” must be 20 or less"),
        ("", "Enter a number for “How many people”"),
    ],
)
def test_a_number_that_is_not_one_or_is_out_of_range(compiled, typed, message) -> None:
    assert errors(post(compiled, "about", ABOUT | {"count": typed})) == {"count": message}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1500", "1500.00"), ("฿1,500.5", "1500.50"), ("๑๕๐ บาท", "150.00"), ("0.25", "0.25")],
)
def test_money_in_baht_with_satang(compiled, typed, stored) -> None:
    assert post(compiled, "about", ABOUT | {"fee": typed}).answers["fee"] == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12.345", "Enter the amount in baht, with up to 2 decimal places, like 1500 or 1500.50"),
        ("-5", "Enter the amount in baht, with up to 2 decimal places, like 1500 or 1500.50"),
        ("2000.01", "“Fee” must be ฿2,000 or less"),
    ],
)
def test_money_that_is_not_an_amount_or_too_much(compiled, typed, message) -> None:
    assert errors(post(compiled, "about", ABOUT | {"fee": typed})) == {"fee": message}


# --- dates -----------------------------------------------------------------------------------


def test_a_date_in_three_boxes_in_thai_digits_and_buddhist_era(compiled) -> None:
    form = post(compiled, "dates", {"born-day": "๒๗", "born-month": "3", "born-year": "2527"})

    assert form.valid
    assert form.answers == {"born": "1984-03-27", "trip": None, "back": None}


@pytest.mark.parametrize(
    ("boxes", "message"),
    [
        (("31", "2", "1984"), "Enter a real date"),
        (("27", "", "1984"), "Enter a day, a month and a year, for example 27 3 1984"),
        (("", "", ""), "Enter a date for “Date of birth”"),
        (("27", "3", "84"), "Enter the year as 4 digits, for example 1984"),
    ],
)
def test_a_date_that_is_not_a_real_date(compiled, boxes, message) -> None:
    day, month, year = boxes
    form = post(compiled, "dates", {"born-day": day, "born-month": month, "born-year": year})

    assert errors(form) == {"born-day": message}
    assert widget(form, "born").value == {"day": day, "month": month, "year": year}


def test_a_date_after_its_last_day_today(compiled) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    boxes = {"born-day": tomorrow.day, "born-month": tomorrow.month, "born-year": tomorrow.year}

    form = post(compiled, "dates", {key: str(value) for key, value in boxes.items()})

    assert errors(form) == {"born-day": "“Date of birth” must be today or in the past"}


def test_date_bounds_name_the_first_and_last_day_in_the_persons_language(compiled) -> None:
    today = timezone.localdate()
    late = today + dt.timedelta(days=31)
    last = today + dt.timedelta(days=30)
    trip = {"trip-day": str(late.day), "trip-month": str(late.month), "trip-year": str(late.year)}

    english = post(compiled, "dates", DATES | trip)
    thai = post(compiled, "dates", DATES | trip, language="th")

    assert errors(english)["trip-day"] == (
        f"“Day you travel” must be on or before {last.day} {last:%B %Y}"
    )
    assert f"{last.year + 543}" in errors(thai)["trip-day"]  # a Thai date, Buddhist Era
    assert "วันเดินทาง" in errors(thai)["trip-day"]


def test_a_validation_reading_another_answer_on_the_page(compiled) -> None:
    today = timezone.localdate()
    trip = {
        "trip-day": str(today.day),
        "trip-month": str(today.month),
        "trip-year": str(today.year),
    }
    same = {
        "back-day": str(today.day),
        "back-month": str(today.month),
        "back-year": str(today.year),
    }

    form = post(compiled, "dates", DATES | trip | same)

    assert errors(form) == {"back-day": "You must come back after you travel"}
    assert errors(post(compiled, "dates", DATES | trip | same, language="th")) == {
        "back-day": "วันกลับต้องอยู่หลังวันเดินทาง"
    }


def test_a_validation_is_not_run_while_the_answer_it_reads_is_wrong(compiled) -> None:
    today = timezone.localdate()
    back = {
        "back-day": str(today.day),
        "back-month": str(today.month),
        "back-year": str(today.year),
    }
    trip = {"trip-day": "40", "trip-month": "1", "trip-year": str(today.year)}

    form = post(compiled, "dates", DATES | trip | back)

    assert errors(form) == {"trip-day": "Enter a real date"}


# --- contact details and identifiers ---------------------------------------------------------

CONTACT = {
    "email": "nok@example.test",
    "phone": "081 234 5678",
    "pin": VALID_ID,
    "passport": "AA1234567",
}


def test_contact_details_are_stored_normalised(compiled) -> None:
    form = post(
        compiled,
        "contact",
        {
            "email": " nok@example.test ",
            "phone": "๐๘๑-๒๓๔-๕๖๗๘",
            "pin": "1-1017-00230-70-8",
            "passport": "aa 123-4567",
        },
    )

    assert form.answers == {
        "email": "nok@example.test",
        "phone": "+66812345678",
        "pin": VALID_ID,
        "passport": "AA1234567",
    }


def test_a_phone_number_from_abroad_is_kept_in_international_form(compiled) -> None:
    form = post(compiled, "contact", CONTACT | {"phone": "+44 7911 123456"})

    assert form.answers["phone"] == "+447911123456"


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("email", "nok@", "Enter an email address in the correct format, like name@example.com"),
        ("email", "", "Enter an email address"),
        (
            "phone",
            "12345",
            "Enter a phone number, like 081 234 5678, or +33 6 12 34 56 78 from abroad",
        ),
        (
            "pin",
            "1101700230705",
            "This is not a valid Thai national ID number: its last digit "
            "(the check digit) does not match the others. Check for a mistyped digit.",
        ),
        ("pin", "110170023", "A Thai national ID number has 13 digits; this one has 9."),
        (
            "passport",
            "A1",
            "Enter the passport number as 6 to 12 letters and numbers, like AA1234567",
        ),
        (
            "passport",
            "AA123456789012",
            "Enter the passport number as 6 to 12 letters and numbers, like AA1234567",
        ),
    ],
)
def test_contact_details_that_are_wrong(compiled, field, typed, message) -> None:
    form = post(compiled, "contact", CONTACT | {field: typed})

    assert errors(form) == {field: message}
    assert widget(form, field).value == typed


def test_an_id_number_message_comes_in_thai_on_a_thai_page(compiled) -> None:
    form = post(compiled, "contact", CONTACT | {"pin": "1101700230705"}, language="th")

    assert "เลขประจำตัวประชาชน" in errors(form)["pin"]


def draft(**answers: Any) -> Application:
    """A draft with these stored answers, not saved: what a GET of the page shows."""
    return Application(answers=answers, subjects=[], facts={})


def test_stored_contact_details_are_shown_as_people_write_them(compiled) -> None:
    thai = shown(compiled, "contact", application=draft(phone="+66812345678", pin=VALID_ID))
    abroad = shown(compiled, "contact", application=draft(phone="+447911123456"))

    assert widget(thai, "phone").value == "081 234 5678"
    assert widget(thai, "pin").value == VALID_ID
    assert widget(abroad, "phone").value == "+44 7911 123456"
    assert thai.answers == {"phone": "+66812345678", "pin": VALID_ID}


# --- choices ---------------------------------------------------------------------------------


def test_choices_give_their_values(compiled) -> None:
    form = post(
        compiled,
        "choices",
        CHOICES | {"extras": ["lemon", "sugar", "sugar"], "lemon_kind": "Meyer"},
    )

    assert form.valid
    assert form.answers == {
        "colour": "red",
        "size": "small",
        "extras": ["sugar", "lemon"],  # in the options' order, once each
        "lemon_kind": "Meyer",
        "pets": False,
    }


@pytest.mark.parametrize(
    ("field", "tampered"),
    [("colour", "green"), ("size", "huge"), ("extras", ["sugar", "salt"]), ("pets", "maybe")],
)
def test_a_value_that_is_not_an_option_is_refused_not_stored(compiled, field, tampered) -> None:
    form = post(compiled, "choices", CHOICES | {field: tampered})

    assert field in {key.split("-")[0] for key in errors(form)}
    assert "Select one of the answers to" in errors(form)[field]
    assert field not in form.answers


def test_nothing_chosen_asks_for_an_answer(compiled) -> None:
    form = post(compiled, "choices", {})

    assert errors(form) == {
        "colour": "Select an answer to “Colour”",
        "size": "Select an answer to “Size”",
        "pets": "Select an answer to “Do you have pets”",
    }
    assert form.answers == {"extras": []}  # an optional list left empty


def test_thai_page_gives_the_question_in_thai(compiled) -> None:
    form = post(compiled, "choices", {}, language="th")

    assert "สี" in errors(form)["colour"]
    assert "Colour" not in errors(form)["colour"]


def test_the_runners_own_messages_are_in_thai_on_a_thai_page(compiled) -> None:
    # needs the runner's Thai catalogue compiled (onegate/runner/locale)
    form = post(compiled, "about", ABOUT | {"name": "", "count": "99"}, language="th")

    assert errors(form) == {
        "name": "โปรดตอบคำถาม “ชื่อเล่น”",
        "count": "“จำนวนคน” ต้องไม่เกิน 20",
    }


def test_a_declaration_must_be_ticked(compiled) -> None:
    assert errors(post(compiled, "declare", {})) == {
        "agree": "Tick the box to confirm the declaration"
    }
    assert post(compiled, "declare", {"agree": "yes"}).answers == {"agree": True}
    assert not post(compiled, "declare", {"agree": "on"}).valid


# --- conditions: reveal, same page, other pages ----------------------------------------------


def test_a_simple_condition_on_an_option_is_revealed_under_it(compiled) -> None:
    form = shown(compiled, "choices", application=draft())

    top = [each.name for each in form.widgets]
    assert top == ["colour", "size", "extras", "pets", "red_pets"]
    colour, extras, pets = (widget(form, name) for name in ("colour", "extras", "pets"))
    assert [w.name for w in colour.reveal] == ["shade"]
    assert next(o for o in colour.options if o["value"] == "blue")["reveal"][0].name == "shade"
    assert [w.name for w in extras.reveal] == ["lemon_kind"]
    assert [w.name for w in pets.reveal] == ["pet_names"]
    assert pets.reveal[0].extra["reveal_under"] == "yes"


def test_a_field_hidden_by_another_pages_answer_is_not_shown_and_its_input_ignored(
    compiled,
) -> None:
    form = post(compiled, "choices", CHOICES | {"big_group": "Tampered"})

    assert "big_group" not in names(form)
    assert "big_group" not in form.answers


def test_a_hidden_answer_is_ignored_and_a_shown_one_is_asked(compiled) -> None:
    hidden = post(compiled, "choices", CHOICES | {"shade": "Navy", "pet_names": "Rex"})
    asked = post(compiled, "choices", CHOICES | {"colour": "blue", "pets": "yes"})

    assert hidden.valid
    assert "shade" not in hidden.answers and "pet_names" not in hidden.answers
    assert errors(asked) == {
        "shade": "Enter your answer to “Which blue”",
        "pet_names": "Enter your answer to “Their names”",
    }


def test_a_same_page_condition_that_is_not_simple_is_shown_and_asked_when_it_holds(
    compiled,
) -> None:
    no_pets = post(compiled, "choices", CHOICES | {"red_pets": "ignored"})
    red_pets = post(compiled, "choices", CHOICES | {"pets": "yes", "pet_names": "Rex"})

    assert "red_pets" in names(no_pets) and "red_pets" not in no_pets.answers
    assert errors(red_pets) == {"red_pets": "Enter your answer to “Red pets”"}


def test_errors_are_listed_in_the_order_of_the_page_revealed_ones_under_their_question(
    compiled,
) -> None:
    form = post(compiled, "choices", {"colour": "blue", "pets": "yes"})

    assert [item["href"] for item in form.errors] == ["#shade", "#size", "#pet_names"]


# --- prefilled fields ------------------------------------------------------------------------


def test_a_prefilled_field_shows_the_fact_and_takes_nothing_from_the_post(compiled) -> None:
    facts = {"name": {"given_th": "นก"}}

    form = post(compiled, "about", ABOUT | {"given_name": "Tampered"}, preview_facts=facts)

    assert form.valid
    assert "given_name" not in form.answers
    prefilled = widget(form, "given_name")
    assert prefilled.prefilled[0][1].value == "นก"
    assert prefilled.extra["facts"][0]["lines"] == ["นก"]


# --- addresses -------------------------------------------------------------------------------

THAI_HOME = {
    "home-house_number": "๙๙/1",
    "home-moo": "หมู่ 4",
    "home-sub_district": "Si Phum",
    "home-district": "เมืองเชียงใหม่",
    "home-province": "50",
    "home-postcode": "50200",
}


def test_a_thai_address_is_checked_against_the_divisions(compiled) -> None:
    form = post(compiled, "places", THAI_HOME)

    assert form.valid, form.errors
    assert form.answers["home"] == {
        "kind": "thai",
        "house_number": "99/1",
        "village": "",
        "moo": "4",
        "soi": "",
        "road": "",
        "sub_district": "Si Phum",
        "district": "Mueang Chiang Mai",
        "province": "Chiang Mai",
        "postcode": "50200",
        "sub_district_code": "500101",
    }
    assert form.answers["abroad"] is None and form.answers["anywhere"] is None


def test_a_thai_address_in_thai_is_stored_with_thai_names(compiled) -> None:
    form = post(compiled, "places", THAI_HOME, language="th")

    assert form.answers["home"]["sub_district"] == "ศรีภูมิ"
    assert form.answers["home"]["province"] == "เชียงใหม่"


def test_a_stored_thai_address_fills_the_inputs_again(compiled) -> None:
    stored = post(compiled, "places", THAI_HOME).answers["home"]

    form = shown(compiled, "places", application=draft(home=stored))

    raw = widget(form, "home").value
    assert raw["province"] == "50"  # the province list's value
    assert raw["house_number"] == "99/1" and raw["moo"] == "4"
    assert raw["sub_district"] == "Si Phum" and raw["postcode"] == "50200"


def test_each_wrong_part_of_an_address_has_its_own_message(compiled) -> None:
    form = post(compiled, "places", THAI_HOME | {"home-house_number": "", "home-postcode": "50100"})

    assert errors(form) == {
        "home-house_number": "Give the house number.",
        "home-postcode": "The postcode 50100 is not used in Si Phum: use 50200.",
    }
    assert widget(form, "home").value["postcode"] == "50100"


def test_an_address_message_in_thai(compiled) -> None:
    form = post(compiled, "places", THAI_HOME | {"home-postcode": "50100"}, language="th")

    assert errors(form)["home-postcode"] == "รหัสไปรษณีย์ 50100 ไม่ใช่ของ ศรีภูมิ ให้ใช้ 50200"


def test_a_province_that_is_not_on_the_list_is_refused(compiled) -> None:
    form = post(compiled, "places", THAI_HOME | {"home-province": "99"})

    assert errors(form)["home-province"] == "Select the province from the list"
    assert "home" not in form.answers


def test_an_address_abroad_needs_a_line_and_a_country(compiled) -> None:
    good = post(
        compiled,
        "places",
        THAI_HOME
        | {"abroad-line_1": "1 High Street", "abroad-line_3": "London", "abroad-country": "gbr"},
    )
    wrong = post(compiled, "places", THAI_HOME | {"abroad-country": "THA"})

    assert good.answers["abroad"] == {
        "kind": "international",
        "lines": ["1 High Street", "London"],
        "country": "GBR",
    }
    assert errors(wrong) == {
        "abroad-line_1": "Enter the first line of the address",
        "abroad-country": "For an address in Thailand, choose “In Thailand” and give its parts",
    }


def test_an_address_that_may_be_anywhere_asks_where_first(compiled) -> None:
    unsaid = post(compiled, "places", THAI_HOME | {"anywhere-line_1": "1 High Street"})
    abroad = post(
        compiled,
        "places",
        THAI_HOME
        | {
            "anywhere-kind": "international",
            "anywhere-line_1": "1 High Street",
            "anywhere-country": "FRA",
            "anywhere-house_number": "ignored",
        },
    )

    assert errors(unsaid) == {
        "anywhere-kind": "Select whether the address is in Thailand or in another country"
    }
    assert abroad.answers["anywhere"] == {
        "kind": "international",
        "lines": ["1 High Street"],
        "country": "FRA",
    }


# --- people ----------------------------------------------------------------------------------


def test_a_person_must_be_one_of_the_people_offered(compiled) -> None:
    form = shown(compiled, "people")
    good = post(compiled, "people", {"who": "preview-child"})
    tampered = post(compiled, "people", {"who": "someone-else"})

    assert [o["value"] for o in widget(form, "who").options] == ["preview-self", "preview-child"]
    assert good.answers == {"who": "preview-child"}
    assert errors(tampered) == {"who": "Select one of the people listed for “Who is it for”"}


# --- groups ("add another") ------------------------------------------------------------------


def item(index: int, name: str, kind: str = "adult", **extra: str) -> dict[str, str]:
    prefix = f"travellers-{index}-"
    return {
        prefix + "traveller": name,
        prefix + "traveller_born-day": "1",
        prefix + "traveller_born-month": "2",
        prefix + "traveller_born-year": "1990",
        prefix + "kind": kind,
        **{prefix + key: value for key, value in extra.items()},
    }


def test_a_group_starts_with_the_items_it_needs(compiled) -> None:
    form = shown(compiled, "group")

    group = widget(form, "travellers")
    assert len(group.items) == 1
    assert group.extra["titles"] == ["Traveller 1"]
    assert group.id == "travellers-0-traveller"


def test_a_groups_items_are_read_each_with_its_own_fields(compiled) -> None:
    form = post(
        compiled,
        "group",
        {"travellers-items": "2"} | item(0, "Ann") | item(1, "Bo", "child", school="Wat Suan"),
    )

    assert form.valid, form.errors
    assert form.answers == {
        "travellers": [
            {"traveller": "Ann", "traveller_born": "1990-02-01", "kind": "adult"},
            {
                "traveller": "Bo",
                "traveller_born": "1990-02-01",
                "kind": "child",
                "school": "Wat Suan",
            },
        ]
    }


def test_an_inner_fields_condition_and_validation_read_its_own_item(compiled) -> None:
    form = post(
        compiled,
        "group",
        {"travellers-items": "2"}
        | item(0, "Ann", school="ignored")
        | item(1, "Bo", "child", school="Bo"),
    )

    assert errors(form) == {
        "travellers-1-school": "Traveller 2: Give the school's name, not the child's"
    }
    assert widget(form, "travellers-1-school").error == "Give the school's name, not the child's"


def test_an_item_left_blank_is_dropped_when_enough_are_given(compiled) -> None:
    blank = {key: "" for key in item(1, "")}

    form = post(compiled, "group", {"travellers-items": "2"} | item(0, "Ann") | blank)

    assert form.valid
    assert len(form.answers["travellers"]) == 1


def test_the_only_item_left_blank_is_asked_for(compiled) -> None:
    form = post(compiled, "group", {"travellers-items": "1"})

    assert errors(form)["travellers-0-traveller"] == "Traveller 1: Enter your answer to “Full name”"


def test_add_another_gives_an_empty_item_when_the_page_is_valid(compiled) -> None:
    added = post(
        compiled, "group", {"travellers-items": "1", "action": "add:travellers"} | item(0, "Ann")
    )
    refused = post(compiled, "group", {"travellers-items": "1", "action": "add:travellers"})

    assert added.action == "add:travellers" and added.valid
    assert added.answers["travellers"] == [
        {"traveller": "Ann", "traveller_born": "1990-02-01", "kind": "adult"}
    ]
    group = widget(added, "travellers")
    assert len(group.items) == 2
    assert group.items[1][0].name == "travellers-1-traveller" and group.items[1][0].value == ""
    assert group.extra["count"] == 2
    assert len(widget(refused, "travellers").items) == 1


def test_no_more_items_than_the_group_allows(compiled) -> None:
    three = item(0, "Ann") | item(1, "Bo") | item(2, "Cy")

    form = post(compiled, "group", {"travellers-items": "3", "action": "add:travellers"} | three)
    tampered = post(compiled, "group", {"travellers-items": "50"} | three)

    assert errors(form) == {"travellers-0-traveller": "You can add up to 3 entries for “traveller”"}
    assert len(tampered.answers["travellers"]) == 3


def test_remove_drops_the_item_and_numbers_the_rest_again(compiled) -> None:
    data = {"travellers-items": "3", "action": "remove:travellers:1"}

    form = post(compiled, "group", data | item(0, "Ann") | item(1, "Bo") | item(2, "Cy"))

    assert [i["traveller"] for i in form.answers["travellers"]] == ["Ann", "Cy"]
    assert widget(form, "travellers-1-traveller").value == "Cy"


def test_removing_the_last_item_does_not_scold(compiled) -> None:
    form = post(
        compiled,
        "group",
        {"travellers-items": "1", "action": "remove:travellers:0"} | item(0, "Ann"),
    )

    assert form.valid
    assert form.answers == {"travellers": []}


def test_a_hidden_groups_items_say_nothing(compiled) -> None:
    moving = definition_compile((DEMO_SERVICES_DIR / "tell-us-you-have-moved.yaml").read_text())
    data = {
        "others_moving": "no",
        "other_people-items": "1",
        "other_people-0-full_name": "",
        "other_people-0-relationship": "tampered",
    }

    form = post(moving, "who_is_moving", data)

    assert form.valid
    assert form.answers == {"household_moving": [], "others_moving": False}


def test_an_unknown_action_is_continue(compiled) -> None:
    for action in ("delete-everything", "add:../x", "remove:travellers:x", ""):
        assert post(compiled, "declare", {"agree": "yes", "action": action}).action == "continue"
    assert post(compiled, "declare", {"agree": "yes", "action": "save"}).action == "save"


# --- files in a preview ----------------------------------------------------------------------


def test_a_preview_takes_no_file(compiled) -> None:
    sent = MultiValueDict({"proof": [SimpleUploadedFile("a.pdf", pdf_written())]})

    form = post(compiled, "files", {}, files=sent)

    assert form.multipart
    assert errors(form) == {"proof": "Files cannot be uploaded in a preview"}


def test_a_required_file_question_needs_a_file(compiled) -> None:
    assert errors(post(compiled, "files", {})) == {"proof": "Upload a file for “Proof”"}


# --- rendering -------------------------------------------------------------------------------

FIELDS_PAGE = (
    '{% from "runner/_fields.html" import runner_field %}'
    "{% for widget in form.widgets %}{{ runner_field(widget) }}{% endfor %}"
)


def render(form: PageForm) -> str:
    environment = cast(Any, engines["jinja2"]).env
    return environment.from_string(FIELDS_PAGE).render(form=form)


def test_every_type_renders_with_its_errors_and_revealed_questions(compiled) -> None:
    for page in compiled.model.pages:
        for language in ("en", "th"):
            html = render(post(compiled, page.id, {}, language=language))
            assert 'name="' in html or page.id == "about"
    html = render(post(compiled, "choices", {"colour": "blue"}))
    assert 'id="conditional-colour-2"' in html  # "Blue" reveals "Which blue"
    assert "Enter your answer to “Which blue”" in html
    assert 'value="add:travellers"' in render(shown(compiled, "group"))
    assert 'name="travellers-items" value="1"' in render(shown(compiled, "group"))


def test_a_prefilled_field_renders_as_a_summary_not_an_input(compiled) -> None:
    html = render(shown(compiled, "about", preview_facts={"name": {"given_th": "นก"}}))

    assert "govuk-summary-list" in html and "นก" in html
    assert 'name="given_name"' not in html


@pytest.mark.parametrize("path", sorted(DEMO_SERVICES_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_demo_page_renders_and_reads_in_both_languages(path: pathlib.Path) -> None:
    compiled = definition_compile(path.read_text(encoding="utf-8"))
    for page in compiled.model.pages:
        for language in ("en", "th"):
            render(shown(compiled, page.id, language=language))
            form = post(compiled, page.id, {}, language=language)
            render(form)
            assert all(item["href"].startswith("#") and item["text"] for item in form.errors)


def test_the_child_health_card_allergy_rules(compiled) -> None:
    child = definition_compile((DEMO_SERVICES_DIR / "child-health-card.yaml").read_text())

    both = post(child, "health_needs", {"long_term_condition": "no", "allergies": ["none", "eggs"]})
    thai = post(
        child,
        "health_needs",
        {"long_term_condition": "no", "allergies": ["none", "eggs"]},
        language="th",
    )

    assert errors(both) == {
        "allergies": 'Select "No known allergies" only if your child has none of the others'
    }
    assert errors(thai)["allergies"].startswith("เลือก")


# --- real drafts -----------------------------------------------------------------------------


def _page(application: Application, page_id: str) -> Any:
    from onegate.runner.selectors import application_compiled

    compiled = application_compiled(application)
    return compiled, page_of(compiled, page_id)


@pytest.mark.usefixtures("published")
def test_a_childs_prefilled_name_comes_from_the_register_not_the_post() -> None:
    household = make_household()
    application = start_for(household.parent_user, household.child)
    compiled, page = _page(application, "about_your_child")

    form = page_form(
        compiled=compiled,
        page=page,
        application=application,
        language="en",
        data=query({"child_given_name": "Tampered"}),
        actor=household.parent_user,
    )

    assert form.valid and form.answers == {}
    given = widget(form, "child_given_name")
    assert given.prefilled[0][1].value == "นิรันดร์"
    assert given.extra["facts"][0]["source"].startswith("From the population register, updated")


@pytest.mark.usefixtures("published")
def test_stored_answers_fill_the_page() -> None:
    household = make_household()
    application = start_for(household.parent_user, household.child)
    application = application_page_save(
        actor=household.parent_user,
        application=application,
        page_id="health_needs",
        answers={"long_term_condition": False, "allergies": ["milk", "eggs"]},
        complete=True,
        resume_page="",
    )
    compiled, page = _page(application, "health_needs")

    form = page_form(compiled=compiled, page=page, application=application, language="en")

    assert widget(form, "long_term_condition").value == "no"
    checked = [o["value"] for o in widget(form, "allergies").options if o["checked"]]
    assert checked == ["eggs", "milk"]
    assert form.answers == {"long_term_condition": False, "allergies": ["milk", "eggs"]}


@pytest.mark.usefixtures("published")
def test_a_person_is_one_of_the_household_the_register_links() -> None:
    household = make_household()
    application = start_for(household.parent_user, service="tell-us-you-have-moved")
    compiled, page = _page(application, "who_is_moving")

    def read(member: str) -> PageForm:
        data = {
            "household_moving-items": "1",
            "household_moving-0-member": member,
            "others_moving": "no",
        }
        return page_form(
            compiled=compiled,
            page=page,
            application=application,
            language="en",
            data=query(data),
            actor=household.parent_user,
        )

    good = read(str(household.ward.pk))
    stranger = read(str(household.parent.pk) + "0")

    offered = {o["value"] for o in widget(good, "household_moving-0-member").options}
    assert offered == {str(p.pk) for p in (household.child, household.nearly_adult, household.ward)}
    assert good.answers["household_moving"] == [{"member": str(household.ward.pk)}]
    assert "household_moving-0-member" in errors(stranger)


@pytest.mark.usefixtures("published")
def test_a_file_is_kept_listed_and_removed() -> None:
    user, _person = driver()
    application = start_for(user, service=LICENCE)
    compiled, page = _page(application, "medical")
    today = timezone.localdate()
    data = {
        "medical_condition": "no",
        "certificate_date-day": str(today.day),
        "certificate_date-month": str(today.month),
        "certificate_date-year": str(today.year),
    }
    sent = MultiValueDict(
        {"medical_certificate": [SimpleUploadedFile("note.pdf", pdf_written(), "application/pdf")]}
    )

    form = page_form(
        compiled=compiled,
        page=page,
        application=application,
        language="en",
        data=query(data),
        files=sent,
        actor=user,
    )

    assert form.valid, form.errors
    [kept] = form.answers["medical_certificate"]
    assert kept["name"] == "note.pdf" and kept["content_type"] == "application/pdf"
    listed = widget(form, "medical_certificate").files[0]
    assert listed["url"].endswith(f"/files/{kept['id']}/")
    # the next POST lists the file it was shown, and removes it
    removing = data | {
        "medical_certificate-uploaded": kept["id"],
        "action": f"remove-file:medical_certificate:{kept['id']}",
    }
    form = page_form(
        compiled=compiled,
        page=page,
        application=application,
        language="en",
        data=query(removing),
        actor=user,
    )
    assert not Upload.objects.filter(pk=kept["id"]).exists()
    assert errors(form) == {"medical_certificate": "Upload a file for “Medical certificate”"}


@pytest.mark.usefixtures("published")
def test_a_file_listed_on_the_page_must_be_this_applications() -> None:
    user, _person = driver()
    application = start_for(user, service=LICENCE)
    other_user, _other = driver(50)
    other = start_for(other_user, service=LICENCE)
    theirs = Upload.objects.create(
        application=other,
        field_id="medical_certificate",
        name="theirs.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        file="x",
    )
    compiled, page = _page(application, "medical")

    form = page_form(
        compiled=compiled,
        page=page,
        application=application,
        language="en",
        data=query({"medical_certificate-uploaded": str(theirs.pk)}),
        actor=user,
    )

    assert "medical_certificate" not in form.answers
    assert widget(form, "medical_certificate").files == []


# --- one question, one heading ---------------------------------------------------------------


def test_a_page_of_one_question_has_it_as_its_heading(compiled) -> None:
    one = {page: shown(compiled, page).heading for page in ("declare", "people", "files")}
    several = {page: shown(compiled, page).heading for page in ("about", "choices", "contact")}

    assert {page: w.name if w else None for page, w in one.items()} == {
        "declare": "agree",
        "people": "who",
        "files": "proof",
    }
    assert set(several.values()) == {None}
    # several questions under one title: the page title stays the heading
    assert shown(compiled, "group").heading is None  # a group of items
    places = page_of(compiled, "places")
    only_address = places.model_copy(update={"fields": places.fields[:1]})
    assert (
        page_form(compiled=compiled, page=only_address, application=None, language="en").heading
        is None
    )


H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
PAGE_OF_ONE = (
    '{% from "runner/_fields.html" import runner_field %}'
    "{% for widget in form.widgets %}"
    "{{ runner_field(widget, heading=widget is sameas form.heading) }}{% endfor %}"
)


@pytest.mark.parametrize("page_id", ["declare", "people", "files", "dates"])
def test_the_heading_question_is_the_pages_only_h1(compiled, page_id) -> None:
    environment = cast(Any, engines["jinja2"]).env
    form = shown(compiled, page_id)

    html = environment.from_string(PAGE_OF_ONE).render(form=form)

    headings = [re.sub(r"<[^>]+>", "", inner).strip() for inner in H1.findall(html)]
    assert headings == ([form.heading.label] if form.heading else [])


@pytest.mark.usefixtures("published")
def test_a_one_question_screen_is_headed_by_its_question(client) -> None:
    household = make_household()
    application = start_for(household.parent_user, household.child)
    client = strong_session(client, household.parent_user)

    html = client.get(_page_url(application, "health_centre")).content.decode()

    question = "Which health centre should your child be registered with?"
    [heading] = H1.findall(html)
    assert heading.strip() == question
    assert "govuk-fieldset__legend--l" in html
    assert "Where your child will be seen" not in html  # the page title is not said twice
    assert f"<title>{question} \N{EN DASH} " in html
    several = client.get(_page_url(application, "health_needs")).content.decode()
    assert H1.findall(several) == ["Your child&#39;s health needs"]


# --- Enter continues -------------------------------------------------------------------------


def _page_url(application: Application, page_id: str) -> str:
    return reverse("runner:page", kwargs={"application_id": application.pk, "page_id": page_id})


def first_button(html: str) -> str:
    """The first submit button in the page's form (the questions' form, not the header's):
    what pressing Enter in a field presses."""
    start = html.index('<form method="post" action="/apply/')
    form = html[start : html.index("</form>", start)]
    found = re.search(r"<button[^>]*>", form)
    assert found is not None
    return found[0]


def photo_given(user: Any, application: Application) -> Upload:
    upload = Upload.objects.create(
        application=application,
        field_id="new_photo",
        name="me.jpg",
        content_type="image/jpeg",
        size=30000,
        sha256="0" * 64,
        file="x",
    )
    entry = {"id": str(upload.pk), "name": "me.jpg", "size": 30000, "content_type": "image/jpeg"}
    application_page_save(
        actor=user,
        application=application,
        page_id="photo",
        answers={"photo_source": "upload", "new_photo": [entry]},
        complete=False,
        resume_page="photo",
    )
    return upload


@pytest.mark.usefixtures("published")
def test_enter_continues_when_a_revealed_file_has_a_remove_button(client) -> None:
    user, _person = driver()
    application = start_for(user, service=LICENCE)
    upload = photo_given(user, application)
    client = strong_session(client, user)

    html = client.get(_page_url(application, "photo")).content.decode()

    assert f'value="remove-file:new_photo:{upload.pk}"' in html  # under "A new photo"
    first = first_button(html)
    assert 'name="action"' in first and 'value="continue"' in first
    assert "govuk-visually-hidden" in first


@pytest.mark.usefixtures("published")
def test_enter_continues_on_a_page_of_items(client) -> None:
    household = make_household()
    application = start_for(household.parent_user, service="tell-us-you-have-moved")
    client = strong_session(client, household.parent_user)

    html = client.get(_page_url(application, "who_is_moving")).content.decode()

    assert 'value="add:household_moving"' in html
    assert 'value="continue"' in first_button(html)


@pytest.mark.usefixtures("published")
def test_a_page_without_inner_buttons_has_no_hidden_continue(client) -> None:
    household = make_household()
    application = start_for(household.parent_user, household.child)
    client = strong_session(client, household.parent_user)

    html = client.get(_page_url(application, "health_needs")).content.decode()

    assert "govuk-visually-hidden" not in first_button(html)
    assert 'value="continue"' in first_button(html)  # the visible Continue


def test_which_widgets_hold_buttons(compiled) -> None:
    assert shown(compiled, "group").has_buttons  # add another, remove
    assert not shown(compiled, "files").has_buttons  # no file given yet: nothing to remove
    assert not shown(compiled, "choices").has_buttons


# --- the designer's preview ------------------------------------------------------------------


def test_a_preview_shows_every_field_and_says_when_each_is_shown(compiled) -> None:
    form = shown(compiled, "choices")

    assert [each.name for each in form.widgets] == [
        "colour",
        "size",
        "extras",
        "pets",
        "red_pets",
        "big_group",
    ]
    assert widget(form, "big_group").extra["shown_only_when"] == "answers.count > 5"
    assert widget(form, "red_pets").extra["shown_only_when"].startswith('answers.colour == "red"')
    assert "shown_only_when" not in widget(form, "shade").extra  # under "Blue" says it
    assert "shown_only_when" not in widget(form, "colour").extra
    html = render(form)
    assert "Shown only when" in html and "<code>answers.count &gt; 5</code>" in html
    assert form.shown_only_when == ""


def test_a_preview_of_a_hidden_page_draws_it_all(compiled) -> None:
    national = definition_compile((DEMO_SERVICES_DIR / "national-id-card.yaml").read_text())

    form = shown(national, "current_card")

    assert [each.name for each in form.widgets] == [
        "card_expires_on",
        "changed_what",
        "name_change_certificate",
    ]
    assert form.shown_only_when.startswith('answers.reason == "expiring"')
    assert widget(form, "card_expires_on").extra["shown_only_when"] == (
        'answers.reason == "expiring"'
    )


def test_a_preview_marks_a_group_items_field_its_samples_hide(compiled) -> None:
    form = shown(compiled, "group")

    school = widget(form, "travellers-0-school")
    assert school.extra["shown_only_when"] == 'item.kind == "child"'


def test_a_posted_preview_still_reads_only_the_visible_fields(compiled) -> None:
    form = post(compiled, "choices", CHOICES | {"big_group": "Tampered"})

    assert "big_group" not in names(form) and "big_group" not in form.answers


# --- addresses as lines ----------------------------------------------------------------------


def test_an_address_abroad_ends_with_its_countrys_name() -> None:
    value = {"kind": "international", "lines": ["1 High Street", "Lyon 69001"], "country": "FRA"}

    assert address_answer_lines(value, "en") == ["1 High Street", "Lyon 69001", "France"]
    assert address_answer_lines(value, "th")[-1] == "ฝรั่งเศส"
    assert address_country_name("GBR", "en") == "United Kingdom"


def test_an_address_in_thailand_is_written_as_the_house_register_writes_it(compiled) -> None:
    form = post(compiled, "places", THAI_HOME)
    value = form.answers["home"]

    english = address_answer_lines(value, "en")
    thai = address_answer_lines(value, "th")

    assert english[-1].endswith(THAI_HOME["home-postcode"])
    assert thai[0].startswith("บ้านเลขที่")
    assert address_answer_lines(None, "en") == []
