"""The fee forms and the rounding of money."""

from __future__ import annotations

from decimal import Decimal

import pytest

from beancount_factoring.terms.fees import parse_fee, parse_percent, round_money

D = Decimal


@pytest.mark.parametrize(
    ("text", "days", "rate"),
    [
        ("flat 2.5%", 0, "0.025"),
        ("flat 2.5%", 200, "0.025"),
        # Gateway's example: 1.5% for the first 30 days plus 1% for the second 30.
        ("tiered 1.5%/30d + 1%/30d", 60, "0.025"),
        ("tiered 1.5%/30d + 1%/30d", 61, "0.035"),
        ("tiered 1.5%/30d + 1%/30d", 0, "0.015"),
        ("tiered 1.75%/30d + 0.5%/10d", 30, "0.0175"),
        ("tiered 1.75%/30d + 0.5%/10d", 31, "0.0225"),
        ("tiered 1.75%/30d + 0.5%/10d", 45, "0.0275"),
        # A middle tier is charged once; the last one repeats.
        ("tiered 2%/30d + 1%/15d + 0.5%/10d", 44, "0.03"),
        ("tiered 2%/30d + 1%/15d + 0.5%/10d", 46, "0.035"),
        # A single tier repeats for each period or part of one.
        ("tiered 3%/30d", 31, "0.06"),
        ("daily 0.06%", 0, "0.0006"),
        ("daily 0.06%", 45, "0.027"),
    ],
)
def test_rate_for_days(text, days, rate):
    assert parse_fee(text).rate_for_days(days) == D(rate)


def test_first_term_is_what_is_known_at_purchase():
    assert parse_fee("tiered 2%/30d + 0.5%/10d").first_term_rate() == D("0.02")
    assert parse_fee("flat 3%").first_term_rate() == D("0.03")
    assert parse_fee("daily 0.1%").first_term_rate() == D("0.001")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("flat", "cannot read fee"),
        ("flat 2.5", "is not a percentage"),
        ("flat -1%", "between 0% and 100%"),
        ("flat 150%", "between 0% and 100%"),
        ("tiered 2%/0d", "must cover 1 day or more"),
        ("tiered 2%", "cannot read tier"),
        ("weekly 1%", "unknown fee form"),
        ("", "cannot read fee"),
    ],
)
def test_bad_fee_strings_say_how_to_write_them(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_fee(text)


def test_percent_and_rounding():
    assert parse_percent("2.50%") == D("0.025")
    assert round_money(D("46.875")) == D("46.88")
    assert round_money(D("-46.875")) == D("-46.88")
    assert round_money(D("46.875"), "half-even") == D("46.88")
    assert round_money(D("46.865"), "half-even") == D("46.86")
    assert round_money(D("46.879"), "down") == D("46.87")
