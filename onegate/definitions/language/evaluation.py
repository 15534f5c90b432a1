"""One application's inputs as a CEL context: converted once, with its computed values.

The inputs are converted to CEL values once per evaluation and put in one ``cel.Context`` with
the function library; the compiled programs are reused. Every declared field is in ``answers``:
one not answered yet is ``null``. A rule that cannot be evaluated (arithmetic on an empty
answer) gives ``ERROR``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import cel

from .compiled import CompiledDefinition
from .functions import library
from .rules import CompiledRule
from .samples import cel_value

__all__ = ["ERROR", "Evaluation", "RuleInputs"]

BANGKOK = ZoneInfo("Asia/Bangkok")
ERROR = object()


@dataclass(frozen=True)
class RuleInputs:
    """What rules read: answers by field id, facts by alias, who applies and on which day."""

    answers: Mapping[str, Any]
    facts: Mapping[str, Any]
    applicant: str = "self"  # "self" | "child" | "delegated"
    today: dt.date | None = None  # the day in Asia/Bangkok when None


class Evaluation:
    """One application's inputs as a CEL context, with its computed values worked out."""

    def __init__(
        self,
        compiled: CompiledDefinition,
        inputs: RuleInputs,
        *,
        hidden: frozenset[str] = frozenset(),
        conditions_only: bool = False,
    ) -> None:
        """``hidden`` answers read as null; ``conditions_only`` converts just what the page and
        field conditions read (when none reads a computed value): a cheap first look."""
        plan = compiled.plan
        wanted: Collection[str] = plan.field_ids
        facts: Collection[str] = compiled.model.facts.keys()
        if conditions_only:
            wanted, facts = plan.conditions.answers, plan.conditions.facts
        self._plan, self._conditions_only = plan, conditions_only
        given = inputs.answers
        self._given = {
            name: None if name in hidden else cel_value(given.get(name)) for name in wanted
        }
        self.variables: dict[str, Any] = {"answers": self._given, "applicant": inputs.applicant}
        if facts:  # each map given to CEL costs microseconds: none that no rule can read
            self.variables["facts"] = {alias: cel_value(inputs.facts.get(alias)) for alias in facts}
        self.computed: dict[str, Any] = {}  # given to CEL by ``_compute``, once worked out
        today = inputs.today or dt.datetime.now(BANGKOK).date()
        self.context = cel.Context(variables=self.variables, functions=library(today))
        if not conditions_only:
            self._compute(plan.computed)

    def hide(self, hidden: frozenset[str]) -> None:
        """Read the answers of ``hidden`` fields as null from now on (their rules run again)."""
        answers = self._given | dict.fromkeys(hidden) if hidden else self._given
        self.variables["answers"] = answers
        self.context.add_variable("answers", answers)
        if not self._conditions_only and hidden & self._plan.computed_answers:
            self.computed = {}
            self.context.add_variable("computed", self.computed)
            self._compute(self._plan.computed)

    def _compute(self, computed: tuple[tuple[str, CompiledRule], ...]) -> None:
        stale = False
        for name, rule in computed:
            if stale and rule.computed:
                self.context.add_variable("computed", dict(self.computed))
                stale = False
            value = self.run(rule)
            self.computed[name] = None if value is ERROR else value
            stale = True
        if stale:
            self.context.add_variable("computed", dict(self.computed))

    def run(self, rule: CompiledRule, extra: Mapping[str, Any] | None = None) -> Any:
        """The rule's value, or ``ERROR`` when it cannot be evaluated with these inputs."""
        context = self.context
        if extra:
            context = cel.Context(
                variables=self.variables | {"computed": self.computed, **extra},
                functions=context.functions,
            )
        try:
            return rule.program.execute(context)
        except Exception:
            return ERROR

    def holds(self, rule: CompiledRule, extra: Mapping[str, Any] | None = None) -> bool | None:
        value = self.run(rule, extra)
        return value if isinstance(value, bool) else None
