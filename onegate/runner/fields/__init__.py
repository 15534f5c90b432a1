"""The questions of one page: read from a POST, checked, and made ready to show.

``page_form`` gives a page's widgets (what ``runner_field`` in ``runner/_fields.html`` renders),
its errors in the shape of GOV.UK's error summary, and the JSON answers that are valid. Each field
type has one entry in ``KINDS``: how its inputs are read from a POST into its JSON answer (keeping
what the person typed, to show it again with a message when it is wrong) and how a stored answer
fills the inputs. Prefilled fields take nothing from the POST: they show the facts, each with
"Is this wrong?" (``correction_url``).

The package, by part:

* ``base``: the widget, the page form, one answer while it is read, the register of types;
* ``answers`` and ``page``: reading one field, and a whole page (``page_form``);
* the types: ``text`` (text, numbers, money, identifiers, contact details), ``dates``,
  ``choices`` (yes/no, declarations, radios, lists, checkboxes), ``address``, ``files``,
  ``people``, ``groups`` ("add another");
* ``prefilled`` and ``widgets``: what the template renders.
"""

from onegate.runner.fields import (  # noqa: F401  (each registers its field types in KINDS)
    address,
    choices,
    dates,
    files,
    groups,
    people,
    text,
)
from onegate.runner.fields.address import address_answer_lines, address_country_name
from onegate.runner.fields.base import KINDS, FieldKind, PageForm, Widget
from onegate.runner.fields.page import page_form
from onegate.runner.fields.people import acting_people, people_names
from onegate.runner.fields.prefilled import correction_url, fact_lines
from onegate.runner.fields.text import character_count_texts, phone_shown

__all__ = [
    "KINDS",
    "FieldKind",
    "PageForm",
    "Widget",
    "acting_people",
    "address_answer_lines",
    "address_country_name",
    "character_count_texts",
    "correction_url",
    "fact_lines",
    "page_form",
    "people_names",
    "phone_shown",
]
