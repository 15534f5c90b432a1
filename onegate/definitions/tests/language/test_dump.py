"""Dumping a definition: canonical, readable YAML that compiles back to an equal model."""

from __future__ import annotations

import yaml

from onegate.definitions.language import (
    definition_compile,
    definition_compile_data,
    definition_dump,
)

from .support import ETA


def test_a_dump_compiles_back_to_an_equal_model() -> None:
    model = definition_compile(ETA).model

    dumped = definition_dump(model)

    assert definition_compile(dumped).model == model
    assert definition_dump(definition_compile(dumped).model) == dumped


def test_a_dump_keeps_thai_readable_and_keys_in_model_order() -> None:
    dumped = definition_dump(definition_compile(ETA).model)

    assert "th: ขออนุญาตเดินทางทางอิเล็กทรอนิกส์" in dumped
    assert "\\u0e" not in dumped
    keys = list(yaml.safe_load(dumped))
    assert keys[:6] == ["format", "service", "title", "summary", "agency", "level_of_assurance"]
    assert "required: true" not in dumped  # defaults are left out
    assert "amount: 300\n" in dumped


def test_a_mapping_is_dumped_in_canonical_form() -> None:
    data = yaml.safe_load(ETA)

    assert definition_dump(data) == definition_dump(definition_compile(ETA).model)


def test_compiling_a_mapping_gives_the_same_model() -> None:
    compiled = definition_compile_data(yaml.safe_load(ETA))

    assert compiled.model == definition_compile(ETA).model
    assert compiled.source == definition_dump(compiled.model)


def test_an_invalid_mapping_is_dumped_as_it_is() -> None:
    assert definition_dump({"service": "x", "pages": []}) == "service: x\npages: []\n"
