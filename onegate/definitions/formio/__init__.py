"""Form.io import: a form.io JSON form (the format Open Forms and others use) as a draft
OneGate service definition, with a report of every component and piece of logic that was not
imported, or was changed, and why.

The decisions live with the code they govern: ``shape`` (what counts as form.io), ``pages``
(wizard and form pages), ``layout`` (flattening, repeating groups, surveys), ``components``
(field types), ``fields`` (shared properties and validation), ``naming`` (keys to ids),
``logic`` (conditions to CEL), ``definition`` (the defaults for what form.io does not have),
``importer`` (the whole import, compiled with the definition language), ``report``.

Nothing is half imported: input that is not form.io raises ``NotFormio`` with every problem;
otherwise the result is YAML that compiles with the definition language.
"""

from __future__ import annotations

from onegate.definitions.formio.importer import formio_import
from onegate.definitions.formio.report import FormioImport, ReportLine
from onegate.definitions.formio.shape import NotFormio

__all__ = ["FormioImport", "NotFormio", "ReportLine", "formio_import"]
