"""The service definition language: parse, check, compile and evaluate a service definition.

Other modules import only from here.
"""

from .compiled import CompiledDefinition
from .compiler import definition_compile, definition_compile_data
from .dump import definition_dump
from .evaluate import (
    DecisionResult,
    EligibilityResult,
    RulesResult,
    decision_evaluate,
    eligibility_evaluate,
    rules_evaluate,
)
from .evaluation import RuleInputs
from .examples import ExampleResult, definition_check, rules_tests_run
from .functions import add_working_days, age_on
from .model import (
    FIELD_TYPES,
    NOTIFICATION_PLACEHOLDERS,
    Outcome,
    ServiceDefinition,
    definition_json_schema,
)
from .problems import DefinitionInvalid, Problem
from .source import MAX_SOURCE_CHARS
from .validate import date_bounds, field_validate
from .visibility import (
    Visibility,
    answers_visible,
    field_visible,
    page_visible,
    visibility_evaluate,
)

__all__ = [
    "FIELD_TYPES",
    "MAX_SOURCE_CHARS",
    "NOTIFICATION_PLACEHOLDERS",
    "CompiledDefinition",
    "DecisionResult",
    "DefinitionInvalid",
    "EligibilityResult",
    "ExampleResult",
    "Outcome",
    "Problem",
    "RuleInputs",
    "RulesResult",
    "ServiceDefinition",
    "Visibility",
    "add_working_days",
    "age_on",
    "answers_visible",
    "date_bounds",
    "decision_evaluate",
    "definition_check",
    "definition_compile",
    "definition_compile_data",
    "definition_dump",
    "definition_json_schema",
    "eligibility_evaluate",
    "field_validate",
    "field_visible",
    "page_visible",
    "rules_evaluate",
    "rules_tests_run",
    "visibility_evaluate",
]
