from __future__ import annotations

import pytest

from rehab.domain.departments import department_from_postal_code, department_label
from rehab.domain.text import search_key


def test_search_key_ignores_accents_case_and_punctuation():
    assert search_key("Séguéla", None, "Jean-Noël") == "SEGUELA JEAN NOEL"
    assert search_key("  d'Aragon ") == "D ARAGON"


@pytest.mark.parametrize(("postal", "dept"), [("31000", "31"), ("09000", "09"), ("20000", "2A"), ("20200", "2B"),
                                              ("97400", "974"), ("1234", None), ("ABCDE", None)])
def test_department_from_postal_code(postal, dept):
    assert department_from_postal_code(postal) == dept


def test_department_label():
    assert department_label("48") == "48 – Lozère"
    assert department_label(None) == "—"
