"""The reasons an officer chooses from when deciding: the service's own, and a few generic ones.

A service definition already words the reasons of its decision rules (and of its eligibility
rules, which say why someone cannot have the service) in every language; an officer picks the
one that fits, and may add their own words, which are shown as written under it in both
languages. The generic reasons cover what no definition foresees. Each text is a
``{"en": …, "th": …}`` map, like a definition's, because the decision is kept and shown in the
language of whoever reads it later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from onegate.definitions.selectors import definition_version_compiled

if TYPE_CHECKING:
    from onegate.cases.models import Case

__all__ = ["GENERIC", "ReasonTemplate", "reason_compose", "reason_template", "reason_templates"]

APPROVE, REFUSE = "approve", "refuse"


@dataclass(frozen=True)
class ReasonTemplate:
    id: str  # a decision rule's id, "eligibility:<rule id>", or "generic:<name>"
    outcome: str  # "approve" | "refuse"
    text: dict[str, str]  # {"en": …, "th": …}


GENERIC = (
    ReasonTemplate(
        "generic:conditions_met",
        APPROVE,
        {
            "en": "An officer checked your application and you meet every condition.",
            "th": "เจ้าหน้าที่ได้ตรวจสอบคำขอของคุณแล้ว และคุณมีคุณสมบัติครบถ้วนตามเงื่อนไข",
        },
    ),
    ReasonTemplate(
        "generic:evidence_accepted",
        APPROVE,
        {
            "en": "An officer checked the evidence you gave and accepted it.",
            "th": "เจ้าหน้าที่ได้ตรวจสอบหลักฐานที่คุณให้ไว้และยอมรับหลักฐานดังกล่าวแล้ว",
        },
    ),
    ReasonTemplate(
        "generic:conditions_not_met",
        REFUSE,
        {
            "en": "You do not meet the conditions for this service.",
            "th": "คุณไม่มีคุณสมบัติตามเงื่อนไขของบริการนี้",
        },
    ),
    ReasonTemplate(
        "generic:evidence_not_accepted",
        REFUSE,
        {
            "en": "The evidence you gave does not show that you meet the conditions.",
            "th": "หลักฐานที่คุณให้ไว้ไม่แสดงว่าคุณมีคุณสมบัติตามเงื่อนไข",
        },
    ),
    ReasonTemplate(
        "generic:no_answer",
        REFUSE,
        {
            "en": "We asked you for more information and did not receive it in time.",
            "th": "เราได้ขอข้อมูลเพิ่มเติมจากคุณ แต่ไม่ได้รับข้อมูลภายในเวลาที่กำหนด",
        },
    ),
)


def _from_definition(case: Case, outcome: str) -> list[ReasonTemplate]:
    model = definition_version_compiled(version_id=case.definition_version_id).model
    found = [
        ReasonTemplate(rule.id, outcome, dict(rule.reason))
        for rule in model.decision.rules
        if str(rule.outcome) == outcome
    ]
    otherwise = model.decision.otherwise
    if str(otherwise.outcome) == outcome:
        found.append(ReasonTemplate("otherwise", outcome, dict(otherwise.reason)))
    if outcome == REFUSE:
        found += [
            ReasonTemplate(f"eligibility:{rule.id}", outcome, dict(rule.reason))
            for rule in model.eligibility
        ]
    return found


def reason_templates(case: Case, outcome: str) -> list[ReasonTemplate]:
    """The reasons an officer may give for ``outcome`` on ``case``: the service's, then generic."""
    if outcome not in (APPROVE, REFUSE):
        return []
    generic = [template for template in GENERIC if template.outcome == outcome]
    return [*_from_definition(case, outcome), *generic]


def reason_template(case: Case, outcome: str, template_id: str) -> ReasonTemplate | None:
    """The template ``template_id`` among those for ``outcome``, or None."""
    return next((t for t in reason_templates(case, outcome) if t.id == template_id), None)


def reason_compose(template: ReasonTemplate, explanation: str) -> dict[str, str]:
    """The reasons the person reads: the template's text and, under it, the officer's words."""
    extra = (explanation or "").strip()
    return {
        language: f"{text}\n\n{extra}" if extra else text
        for language, text in template.text.items()
    }
