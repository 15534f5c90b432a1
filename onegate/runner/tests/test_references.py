"""Application references: random, readable, and a typing slip is caught by the check character."""

from __future__ import annotations

import re

from stdnum import luhn

from onegate.runner.constants import REFERENCE_ALPHABET
from onegate.runner.references import reference_new, reference_normalise

SHAPE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def _bare(reference: str) -> str:
    return reference.replace("-", "")


def test_a_new_reference_is_three_groups_of_four_that_pass_their_own_check():
    references = {reference_new() for _ in range(200)}

    assert len(references) == 200  # random: no two alike
    for reference in references:
        assert SHAPE.match(reference)
        assert reference_normalise(reference) == reference


def test_what_people_type_is_read_back_to_the_stored_form():
    reference = reference_new()
    typed = " ".join(_bare(reference).lower())

    assert reference_normalise(typed) == reference
    assert reference_normalise(_bare(reference)) == reference


def test_o_i_and_l_are_read_as_the_digits_they_look_like():
    body = "0011" + "ABCD" + "EFG"
    reference = body + luhn.calc_check_digit(body, alphabet=REFERENCE_ALPHABET)
    typed = "OoIL" + reference[4:]

    assert reference_normalise(typed) == f"{reference[:4]}-{reference[4:8]}-{reference[8:]}"


def test_wrong_length_or_letters_outside_the_alphabet_are_refused():
    reference = _bare(reference_new())

    assert reference_normalise(reference[:-1]) is None
    assert reference_normalise(reference + "0") is None
    assert reference_normalise("U" + reference[1:]) is None  # no U in Crockford's alphabet
    assert reference_normalise("") is None
    assert reference_normalise("7KQ2-M9XD-4TR!") is None


def test_every_single_character_change_is_caught():
    for _ in range(20):
        reference = _bare(reference_new())
        for position, original in enumerate(reference):
            for other in REFERENCE_ALPHABET:
                if other == original:
                    continue
                changed = reference[:position] + other + reference[position + 1 :]
                assert reference_normalise(changed) is None, (reference, position, other)


def _with_pair(first: str, second: str, position: int) -> str:
    """A valid reference with ``first`` and ``second`` at ``position`` and the one after it."""
    body = list("123456789AB")
    if position < 10:
        body[position : position + 2] = [first, second]
        filler = "".join(body)
        return filler + luhn.calc_check_digit(filler, alphabet=REFERENCE_ALPHABET)
    body[10] = first  # the pair is the last random character and the check character
    for lead in REFERENCE_ALPHABET:  # the first character steers the check to ``second``
        filler = lead + "".join(body[1:])
        if luhn.calc_check_digit(filler, alphabet=REFERENCE_ALPHABET) == second:
            return filler + second
    raise AssertionError("Luhn mod 32 reaches every check character")


def test_every_swap_of_neighbours_is_caught_except_zero_with_z():
    # Luhn mod 32 doubles every second character. Swapping neighbours a and b goes unseen only
    # when doubling moves both by the same amount (mod 32): for values 0 and 31 ("0" and "Z").
    uncaught = set()
    for first in REFERENCE_ALPHABET:
        for second in REFERENCE_ALPHABET:
            if first == second:
                continue
            for position in range(11):
                reference = _with_pair(first, second, position)
                swapped = reference[:position] + second + first + reference[position + 2 :]
                if reference_normalise(swapped) is not None:
                    uncaught.add((first, second))
    assert uncaught == {("0", "Z"), ("Z", "0")}
