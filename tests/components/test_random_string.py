"""Heat's RandomString rules map onto random.RandomPassword inputs that draw from the same characters."""

from __future__ import annotations

import pytest

from components.errors import StackError
from components.random_string import RandomStringArgs, password_inputs


def test_heat_default_is_32_letters_and_digits() -> None:
    inputs = password_inputs(RandomStringArgs())
    assert (inputs["length"], inputs["lower"], inputs["upper"], inputs["numeric"], inputs["special"]) == (
        32, True, True, True, False)
    assert inputs["override_special"] is None and inputs["keepers"] is None


def test_salt_is_a_keeper_so_changing_it_regenerates() -> None:
    assert password_inputs(RandomStringArgs(salt="2024"))["keepers"] == {"salt": "2024"}


def test_hex_and_octal_digits_and_sequences_use_the_special_set() -> None:
    hexa = password_inputs(RandomStringArgs(classes=[("hexdigits", 1)]))
    assert (hexa["numeric"], hexa["lower"], hexa["upper"]) == (True, False, False)
    assert hexa["override_special"] == "abcdefABCDEF"
    octal = password_inputs(RandomStringArgs(classes=[("octdigits", 1)]))
    assert not octal["numeric"] and octal["override_special"] == "01234567"
    seq = password_inputs(RandomStringArgs(classes=[("digits", 2)], sequences=[("!?!", 3)]))
    assert seq["override_special"] == "!?" and seq["min_special"] == 3 and seq["min_numeric"] == 2


def test_letters_minimum_is_kept_as_a_stricter_lowercase_minimum() -> None:
    inputs = password_inputs(RandomStringArgs(classes=[("letters", 4), ("digits", 2)]))
    assert inputs["min_lower"] == 4 and inputs["min_numeric"] == 2 and not inputs["special"]


@pytest.mark.parametrize("args,message", [
    (RandomStringArgs(classes=[("emoji", 1)]), "unknown character class 'emoji'"),
    (RandomStringArgs(length=4, classes=[("digits", 3), ("lowercase", 3)]), "add up to more than length 4"),
    (RandomStringArgs(classes=[("hexdigits", 1)], sequences=[("#", 1)]), "cannot be guaranteed separately"),
    (RandomStringArgs(length=0), "length must be 1..512"),
])
def test_what_random_password_cannot_express_is_refused(args, message) -> None:
    with pytest.raises(StackError) as info:
        password_inputs(args)
    assert message in str(info.value)
