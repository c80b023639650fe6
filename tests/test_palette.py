"""The default codebook's colours: apart on a 256- and a 16-colour terminal, and to an
analyst with protanopia or deuteranopia, and close to the Okabe–Ito palette."""

from __future__ import annotations

import itertools

import pytest
from colour_vision import VISIONS, ciede2000, difference
from rich.color import Color, ColorSystem

from annotations import Codebook

# The least CIEDE2000 difference between two codes, to normal, protanopic and
# deuteranopic vision: codes of one group are shown side by side and must stand apart
# plainly; codes of different groups (a tint beside a chip) noticeably.
WITHIN_A_GROUP = 15.0
ACROSS_GROUPS = 7.0
# Each default colour is an Okabe–Ito colour (Okabe and Ito, "Color Universal Design",
# 2008) moved at most this far, to part codes that would share a terminal colour.
FROM_OKABE_ITO = 15.0
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")

CODES = Codebook.default().codes
PAIRS = list(itertools.combinations(CODES, 2))


def test_no_two_codes_share_a_colour_on_a_256_colour_terminal() -> None:
    shown = {
        code.id: Color.parse(code.color).downgrade(ColorSystem.EIGHT_BIT).number for code in CODES
    }
    for first, second in PAIRS:
        assert shown[first.id] != shown[second.id], (first.id, second.id)


def test_no_two_codes_of_a_group_share_a_colour_on_a_16_colour_terminal() -> None:
    shown = {
        code.id: Color.parse(code.color).downgrade(ColorSystem.STANDARD).number for code in CODES
    }
    for first, second in PAIRS:
        if first.group == second.group:
            assert shown[first.id] != shown[second.id], (first.id, second.id)


@pytest.mark.parametrize("vision", list(VISIONS))
def test_codes_stand_apart_to_colour_blind_eyes(vision: str) -> None:
    for first, second in PAIRS:
        apart = difference(first.color, second.color, VISIONS[vision])
        least = WITHIN_A_GROUP if first.group == second.group else ACROSS_GROUPS
        assert apart >= least, f"{first.id} and {second.id}: {apart:.1f} to {vision}"


def test_every_colour_is_near_an_okabe_ito_colour() -> None:
    for code in CODES:
        nearest = min(difference(code.color, base) for base in OKABE_ITO)
        assert nearest <= FROM_OKABE_ITO, code.id


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [  # Sharma, Wu and Dalal (2005), Table 1: pairs 1, 7, 17 and 25
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_the_colour_difference_is_ciede2000(first, second, expected) -> None:
    assert ciede2000(first, second) == pytest.approx(expected, abs=1e-4)
