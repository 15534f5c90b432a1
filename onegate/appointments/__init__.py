"""Appointments: bookable slots at service centres, bookings that never double-book, reminders.

Built on identity's service centres (``identity.models.organisations``): this app adds where a
centre is (coordinates), what it offers people with disabilities, Thailand's public holidays,
slots with a capacity per service, and bookings made by a person or someone acting for them.
Its public face is ``services`` (writes), ``selectors`` (reads) and ``visits`` (whether a
service needs a visit at all).
"""
