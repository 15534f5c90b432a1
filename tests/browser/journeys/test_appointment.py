"""An appointment for a service that needs a visit, moved to another time, then the reminder.

Wichai Bunma (proved in person, Bangkok) opens "Apply for a passport", which needs a visit for
the photo and fingerprints, and chooses **Book a visit**: he finds a centre by his postcode
(10210: the Lak Si government complex), takes the first free time and gets a reference. He then
cannot come that day, so he chooses **Choose a new time** on the booking and moves it to a later
day at the same centre: the booking keeps its reference, the old time is given back and he is
told of the new time. The day before the new time the scheduler's reminder job runs (here with
its clock set to 10:00 that day) and he reads the reminder in his messages, and by email.

In English and in Thai. The person's part (sign-in to the moved booking) is measured and
recorded as the "appointment" story; a visit is needed by nature.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.core import mail
from django.utils import timezone

from onegate.appointments.constants import BookingStatus
from onegate.appointments.models import Booking, BookingChange, Slot
from onegate.appointments.services import booking_reminders_send
from onegate.appointments.tests.support import PASSPORT
from onegate.identity.demo_staff import LAK_SI
from onegate.notify.tests.outbox import deliver_outbox
from onegate.registries import demo_people
from tests.browser.journeys.support import (
    Outcome,
    Walker,
    citizen_account,
    outcome_record,
)

WICHAI = "wichai.bunma"
BOOK_A_VISIT = f"main a.govuk-button[href$='/appointments/book/{PASSPORT}/']"
FIND_CENTRES = "main form[method=get] button.govuk-button"
CENTRE_LINK = f"main .og-centre-list a[href*='/{LAK_SI}/']"
BOOK_TIME = "main form[method=post] button.govuk-button"
CHOOSE_NEW_TIME = "main a.govuk-button[href*='?change=']"
OTHER_DAY = "main .og-day-list a[href*='day=']"

# Messages are written in the account's own language (its preference), whatever the page's.
REMINDER = re.compile(r"Reminder: appointment tomorrow|เตือนความจำ: นัดหมายพรุ่งนี้")
WORDS = {
    "en": {
        "booked": "Your appointment is booked.",
        "moved": "Your appointment has a new time.",
        "choosing": "You are choosing a new time for appointment",
        "status": "Booked",
    },
    "th": {
        "booked": "จองนัดหมายเรียบร้อยแล้ว",
        "moved": "เปลี่ยนเวลานัดหมายเรียบร้อยแล้ว",
        "choosing": "คุณกำลังเลือกเวลาใหม่สำหรับนัดหมาย",
        "status": "จองแล้ว",
    },
}


def summary_value(person: Walker, row: int) -> str:
    """The value of the booking's summary list's ``row``th row (0: the reference)."""
    values = person.page.locator("main .govuk-summary-list .govuk-summary-list__value")
    return str(values.nth(row).inner_text()).strip()


def banner(person: Walker) -> str:
    found = person.page.locator(".govuk-notification-banner")
    return str(found.inner_text()) if found.count() else ""


@pytest.mark.parametrize("language", ["en", "th"])
def test_book_a_visit_move_it_and_be_reminded(browsers, language):
    words = WORDS[language]
    wichai = browsers.person(story="appointment", language=language)
    wichai.sign_in(citizen_account(WICHAI))
    mark = len(wichai.screens)
    started = time.perf_counter()

    # The passport needs a visit: the service page says why and offers to book one.
    wichai.open(f"/services/{PASSPORT}/")
    wichai.shot("service-needs-a-visit")
    wichai.press(BOOK_A_VISIT)
    assert f"/appointments/book/{PASSPORT}/" in wichai.path()

    # He finds the centres near his postcode: Lak Si comes first.
    wichai.type("#id_postcode", "10210")
    wichai.press(FIND_CENTRES)
    assert "postcode=10210" in wichai.path()
    assert wichai.page.locator(CENTRE_LINK).count() == 1
    wichai.shot("centres-by-postcode")
    wichai.press(CENTRE_LINK)

    # The first day with free times is open; he takes its first time.
    wichai.page.locator("main input[name=slot]").first.check()
    wichai.press(BOOK_TIME)
    assert re.search(r"/appointments/AP-[0-9A-Z-]+/$", wichai.path()), wichai.path()
    assert words["booked"] in banner(wichai)
    booking = Booking.objects.get(person_id=demo_people.WICHAI)
    first_slot = booking.slot
    assert summary_value(wichai, 0) == booking.reference
    first_when = summary_value(wichai, 2)
    if language == "th":  # Buddhist Era years on Thai pages
        assert str(timezone.localtime(first_slot.starts_at).year + 543) in first_when
    wichai.shot("booked")

    # He cannot come that day: a new time, on another day at the same centre.
    wichai.press(CHOOSE_NEW_TIME)
    assert f"change={booking.reference}" in wichai.path()
    assert words["choosing"] in wichai.main()
    wichai.press(CENTRE_LINK)
    wichai.press(OTHER_DAY)
    wichai.page.locator("main input[name=slot]").first.check()
    wichai.press(BOOK_TIME)
    seconds = time.perf_counter() - started
    screens = wichai.screens_since(mark)
    page_loads = len(wichai.screens) - mark

    # The same booking, at the new time; the old time's place is given back.
    assert wichai.path().endswith(f"/appointments/{booking.reference}/")
    assert words["moved"] in banner(wichai)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert booking.slot_id != first_slot.pk
    new_start = timezone.localtime(booking.slot.starts_at)
    assert new_start.date() > timezone.localtime(first_slot.starts_at).date()
    assert summary_value(wichai, 2) != first_when
    assert summary_value(wichai, 4) == words["status"]
    assert Slot.objects.get(pk=first_slot.pk).booked == 0
    assert Booking.objects.filter(person_id=demo_people.WICHAI).count() == 1
    moved = BookingChange.objects.filter(booking=booking, from_slot=first_slot).latest("at")
    assert moved.to_slot_id == booking.slot_id
    wichai.shot("moved")

    # The day before the new time, at 10:00, the scheduler's reminder job runs.
    day_before = timezone.make_aware(
        dt.datetime.combine(new_start.date() - dt.timedelta(days=1), dt.time(10))
    )
    mail.outbox.clear()
    assert booking_reminders_send(now=day_before) == 1
    assert booking_reminders_send(now=day_before) == 0  # once only
    deliver_outbox()

    # He reads it in his messages: the reminder of tomorrow's appointment, with its reference.
    wichai.open("/account/messages/")
    reminder = wichai.page.locator("main table a", has_text=REMINDER)
    assert reminder.count() == 1, wichai.main()
    wichai.press(f"main table a[href='{reminder.get_attribute('href')}']")
    assert booking.reference in wichai.main()
    wichai.shot("reminder")
    # and by email, to the address of his account
    emails = [m for m in mail.outbox if citizen_account(WICHAI).email in m.to]
    assert any(booking.reference in m.body for m in emails), [m.subject for m in emails]

    outcome_record(
        Outcome(
            story="appointment",
            language=language,
            screens=len(screens),
            typed_fields=len({one.field for one in wichai.typed}),
            registry_facts_typed=0,
            seconds=round(seconds, 2),
            paper=False,
            visit=True,
            notes="book by postcode, move to another day, reminded the day before",
            extra={
                "page_loads": page_loads,
                "screen_paths": [re.sub(r"AP-[0-9A-Z-]+", "<ref>", s) for s in screens],
            },
        )
    )
    assert seconds < 120
