"""A factor's deposit converted at the bank: the bank posting in USD at a total price in
CAD, the clearing amount left for Beancount to work out.

Copperline (CAD terms) advances 90% of Maple's 1,000.00 CAD invoice less a 2% flat fee:
900.00 - 20.00 = 880.00 CAD, converted at 0.70 and received as 616.00 USD. Beancount turns
``@@ 880.00 CAD`` into a price of 880 / 616 = 1.428571428571428571428571429 CAD per USD,
and fills the clearing leg in as -616.00 x that price = -880.0000000000000000000000003
CAD: three tenths of a septillionth off the 880.00 expected, the price's arithmetic.
"""

from __future__ import annotations

from decimal import Decimal

from ledgers import balance, codes, load

LEDGER = """
2025-01-01 open Assets:Bank:USD
2025-01-01 open Assets:Receivable:Maple

2025-01-01 custom "factoring-agreement" "Copperline"
  currency: "CAD"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "COPPERLINE"
  bank: Assets:Bank:USD

2025-03-03 * "Maple" "CA load"
  invoice: "CA-1"
  Assets:Receivable:Maple   1000.00 CAD
  Income:Freight

2025-03-05 * "COPPERLINE" "Advance CA-1 converted" ^CA-1
  Assets:Bank:USD   {bank}
  Assets:Factoring:Copperline:CAD:Clearing
"""


def test_a_deposit_converted_at_a_total_price_is_split_without_a_difference():
    entries, errors = load(LEDGER.format(bank="616.00 USD @@ 880.00 CAD"))
    assert errors == []
    # The split: the face 1,000.00 off the receivable, 20.00 of fee, 100.00 held in
    # reserve (1,000.00 x 10%), and nothing left on the clearing account.
    assert balance(entries, "Assets:Receivable:Maple") == 0
    assert balance(entries, "Assets:Factoring:Copperline:CAD:Reserve") == Decimal("100.00")
    assert balance(entries, "Assets:Factoring:Copperline:CAD:Clearing") == 0


def test_a_converted_deposit_a_cent_short_is_still_reported():
    # 615.99 USD @@ 879.99 CAD: 0.01 CAD short, a real difference.
    _, errors = load(LEDGER.format(bank="615.99 USD @@ 879.99 CAD"))
    assert codes(errors) == ["FCT120"]
    assert "difference -0.01 CAD" in errors[0].message


def converted_on_clearing(bank: str, clearing: str) -> str:
    """The ledger with the deposit converted on its clearing leg, at 0.70 USD a CAD."""
    return LEDGER.replace(
        "  Assets:Bank:USD   {bank}\n  Assets:Factoring:Copperline:CAD:Clearing\n",
        f"  Assets:Bank:USD   {bank}\n"
        f"  Assets:Factoring:Copperline:CAD:Clearing   {clearing} @ 0.70 USD\n",
    )


def test_a_deposit_converted_on_its_clearing_leg_is_split_beside_it():
    # The price on the clearing leg: -880.00 CAD @ 0.70 USD weighs -616.00 USD against the
    # bank's 616.00 USD. The leg stays as written; the split (face -1,000.00, fee 20.00,
    # reserve 100.00: -880.00 CAD) is written beside a +880.00 CAD leg on the clearing
    # account, which thus nets to 0.00.
    entries, errors = load(converted_on_clearing("616.00 USD", "-880.00 CAD"))
    assert errors == []
    assert balance(entries, "Assets:Receivable:Maple") == 0
    assert balance(entries, "Assets:Factoring:Copperline:CAD:Reserve") == Decimal("100.00")
    assert balance(entries, "Assets:Factoring:Copperline:CAD:Clearing") == 0


def test_a_deposit_converted_on_its_clearing_leg_a_cent_short_is_reported():
    # -879.99 CAD @ 0.70 USD (615.993 USD, the bank's 615.99 within the tolerance): 0.01
    # CAD short of the 880.00 expected, left on the clearing account.
    entries, errors = load(converted_on_clearing("615.99 USD", "-879.99 CAD"))
    assert codes(errors) == ["FCT120"]
    assert "difference -0.01 CAD" in errors[0].message
    assert balance(entries, "Assets:Factoring:Copperline:CAD:Clearing") == Decimal("0.01")


COPPERLINE_CAD = """
2025-01-01 open Assets:Bank:CAD
2025-01-01 open Assets:Bank:USD
2025-01-01 open Assets:Receivable:Maple

2025-01-01 custom "factoring-agreement" "Copperline"
  currency: "CAD"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
{model}  payee: "COPPERLINE"
  bank: Assets:Bank:CAD
"""


def test_an_unlinked_payment_converted_at_a_total_price_pays_our_invoice():
    # Loan model: CA-1 (1,000.00 CAD) pledged and funded, CA-2 (880.00 CAD) ours. Maple's
    # wire of 616.00 USD @@ 880.00 CAD pays CA-2; Beancount fills the receivable leg in as
    # -880.0000000000000000000000003 CAD, leaving 999.9999999999999999999999997 CAD of
    # the 1,000.00 pledged: the price's arithmetic, no payment of the pledged invoice.
    text = (
        COPPERLINE_CAD.format(model='  model: "loan"\n')
        + """
2025-03-03 * "Maple" "CA load (factored)"
  invoice: "CA-1"
  Assets:Receivable:Maple   1000.00 CAD
  Income:Freight

2025-03-03 * "Maple" "CA load (kept)"
  invoice: "CA-2"
  Assets:Receivable:Maple   880.00 CAD
  Income:Freight

2025-03-05 * "COPPERLINE" "Advance CA-1" ^CA-1
  Assets:Bank:CAD   880.00 CAD
  Assets:Factoring:Copperline:CAD:Clearing

2025-03-20 * "Maple" "Incoming wire, converted"
  Assets:Bank:USD   616.00 USD @@ 880.00 CAD
  Assets:Receivable:Maple
"""
    )
    _, errors = load(text)
    assert errors == []


# Copperline funds Maple's CA-1 (880.00 CAD at 90% less 2%: 792.00 - 17.60 = 774.40).
FUNDED_CA_1 = (
    COPPERLINE_CAD.format(model="")
    + """
2025-03-03 * "Maple" "CA load"
  invoice: "CA-1"
  Assets:Receivable:Maple   880.00 CAD
  Income:Freight

2025-03-05 * "COPPERLINE" "Advance CA-1" ^CA-1
  Assets:Bank:CAD   774.40 CAD
  Assets:Factoring:Copperline:CAD:Clearing
"""
)


def test_a_forward_converted_at_a_total_price_forwards_the_whole_payment():
    # Maple paid us CA-1's 880.00 CAD; we wire it to Copperline from the USD account,
    # 616.00 USD @@ 880.00 CAD: the due-to-factor leg Beancount fills in is
    # 880.0000000000000000000000003 CAD, the whole 880.00 owed and nothing more.
    text = (
        FUNDED_CA_1
        + """
2025-03-20 * "Maple" "Maple paid us for CA-1" ^CA-1
  factoring: "misdirected-payment"
  Assets:Bank:CAD   880.00 CAD

2025-03-22 * "Copperline" "Forward CA-1 payment, wired from the US account" ^CA-1
  Assets:Bank:USD   -616.00 USD @@ 880.00 CAD
  Liabilities:Factoring:Copperline:CAD:DueToFactor
"""
    )
    _, errors = load(text)
    assert errors == []


def test_a_misdirected_payment_received_in_another_currency_at_a_price():
    # Maple pays us CA-1's 880.00 CAD into the USD account: 616.00 USD @@ 880.00 CAD. The
    # cash is the factor's: 880.00 CAD owed on the due-to-factor account (the price's
    # arithmetic rounded to the cent), nothing to the customer.
    text = (
        FUNDED_CA_1
        + """
2025-03-20 * "Maple" "Maple paid us for CA-1, in US dollars" ^CA-1
  factoring: "misdirected-payment"
  Assets:Bank:USD   616.00 USD @@ 880.00 CAD
"""
    )
    entries, errors = load(text)
    assert errors == []
    due = "Liabilities:Factoring:Copperline:CAD:DueToFactor"
    assert balance(entries, due) == Decimal("-880.00")


SCHEDULE = """
2025-03-04 * "Copperline" "Schedule 9" ^CA-1
  factoring: "schedule"
  schedule: "9"
"""


def named_otherwise(names: str) -> str:
    """The ledger with CA-1 on schedule 9, its converted deposit naming ``names``."""
    deposit = '2025-03-05 * "COPPERLINE" "Advance CA-1 converted" ^CA-1\n'
    return LEDGER.replace(deposit, SCHEDULE + f'\n2025-03-05 * "COPPERLINE" "Advance"\n{names}')


def test_a_converted_deposit_naming_its_schedule_or_nothing_is_split():
    # The deposit is in CAD (its clearing leg), though its first posting is the USD bank
    # line: it was taken for a USD deposit (FCT111: no agreement for USD), and, naming
    # nothing, its clearing leg filled in by Beancount did not match 880.00 exactly
    # (FCT101, "schedule 9 (-0.00)"). Split as the linked one is: 1,000.00 off the
    # receivable, 20.00 of fee, 100.00 of reserve, nothing on clearing.
    for names in ('  schedule: "9"\n', ""):
        text = named_otherwise(names).format(bank="616.00 USD @@ 880.00 CAD")
        entries, errors = load(text)
        assert errors == [], names
        assert balance(entries, "Assets:Receivable:Maple") == 0
        assert balance(entries, "Assets:Factoring:Copperline:CAD:Reserve") == Decimal("100.00")
        assert balance(entries, "Expenses:Factoring:Copperline:CAD:Fees") == Decimal("20.00")
        assert balance(entries, "Assets:Factoring:Copperline:CAD:Clearing") == 0


def test_a_deposit_converted_at_a_rounded_rate_says_the_rate_is_rounded():
    # The bank's rate as its statement prints it, 1.4286 CAD a USD: 616.00 x 1.4286 =
    # 880.0176 CAD, 0.0176 more than the 880.00 sent, though the rate rounded to four
    # places can be off by 616.00 x 0.00005 = 0.0308 CAD. The error said only that the
    # deposit differs from the agreement by +0.02; it says the rate is rounded now, and
    # what to write.
    _, errors = load(LEDGER.format(bank="616.00 USD @ 1.4286 CAD"))
    assert codes(errors) == ["FCT120"]
    message = errors[0].message
    assert "616.00 USD at 1.4286 CAD is 880.0176 CAD" in message
    assert "rounded to 4 places can be off by 0.0308 CAD" in message
    assert "616.00 USD @@ 880.00 CAD" in message


def test_a_deposit_at_a_rate_whose_rounding_cannot_explain_it_says_nothing_of_the_rate():
    # 616.00 x 1.4290 = 880.264 CAD: 0.264 more, beyond what 0.00005 of the rate explains.
    _, errors = load(LEDGER.format(bank="616.00 USD @ 1.4290 CAD"))
    assert codes(errors) == ["FCT120"]
    assert "rounded" not in errors[0].message


def test_a_misdirected_payment_at_a_rounded_rate_says_the_rate_may_be_the_cause():
    # Maple pays CA-1's 880.00 CAD as 616.00 USD, at the bank's rate of 1.4286 as its
    # statement prints it: 880.0176, 880.02 CAD, 0.02 more than is unpaid, which a rate
    # rounded to four places explains (616.00 x 0.00005 = 0.0308). The error told only of
    # an overpay or a payment booked twice.
    text = (
        FUNDED_CA_1
        + """
2025-03-20 * "Maple" "Maple paid us for CA-1, in US dollars" ^CA-1
  factoring: "misdirected-payment"
  Assets:Bank:USD   616.00 USD @ 1.4286 CAD
"""
    )
    _, errors = load(text)
    # (Beancount's own error beside it: a payment in error is booked as written.)
    assert codes(errors)[0] == "FCT133"
    assert "616.00 USD @@ 880.00 CAD" in errors[0].message


def test_a_misdirected_payment_received_in_another_currency_without_a_price():
    # 616.00 USD for CA-1 (880.00 CAD) with no price: the message asked for "the posting
    # of the cash received, like Assets:Bank:USD 880.00 CAD", though it was there.
    text = (
        FUNDED_CA_1
        + """
2025-03-20 * "Maple" "Maple paid us for CA-1, in US dollars" ^CA-1
  factoring: "misdirected-payment"
  Assets:Bank:USD   616.00 USD
"""
    )
    _, errors = load(text)
    assert codes(errors)[0] == "FCT134"
    assert "brings 616.00 USD and nothing in CAD" in errors[0].message
    assert "Assets:Bank:USD 616.00 USD @@ 880.00 CAD" in errors[0].message


def test_converted_cash_in_fractions_of_a_cent_is_said():
    # The bank's USD of a converted deposit typed with a third decimal (616.004 USD @@
    # 880.00 CAD), or as arithmetic that does not come out even ((1848.01 / 3) USD, 616.00333
    # USD): the CAD split was right, but the bank account held the fraction, which no bank
    # moves, without a word (a deposit in the invoices' currency so written is FCT134).
    for bank in ("616.004 USD @@ 880.00 CAD", "(1848.01 / 3) USD @@ 880.00 CAD"):
        _, errors = load(LEDGER.format(bank=bank))
        assert codes(errors) == ["FCT134"], bank
        assert "616.00" in errors[0].message and "Assets:Bank:USD" in errors[0].message
        assert "is not in whole cents" in errors[0].message
    # The same at a rate: 616.004 USD @ 1.428571 CAD is 880.0091 CAD; the fraction is
    # said, not as a difference of 0.01 CAD.
    _, errors = load(LEDGER.format(bank="616.004 USD @ 1.428571 CAD"))
    assert codes(errors) == ["FCT134"]
    # Whole cents, with a trailing zero: no error.
    _, errors = load(LEDGER.format(bank="616.000 USD @@ 880.00 CAD"))
    assert errors == []
