"""An agreement's account misspelt, or named by default after the factor's full name,
while the ledger opens and posts to another: FCT110 on the agreement.

Harbor advances 80% of Echo's 1,000.00 invoice, less a 20.00 transfer fee: 780.00, and
holds 200.00 in reserve. Echo pays Harbor on 03-20 (16 days: 1.75% x 1,000.00 = 17.50
of fee), and Harbor's rebate on 03-25 is 200.00 - 17.50 = 182.50. Booked to an account
the agreement does not name, the rebate would be no release, and both reserve accounts
would keep a balance (200.00 on the agreement's, -182.50 on the other) without a word.
"""

from __future__ import annotations

from beancount import loader

from ledgers import OPENS, balance, codes, load

# The accounts ledgers.load opens, for the test that loads a file of its own.
OWN = [line.split(" open ")[1] for line in OPENS.strip().splitlines()]

AGREEMENT = """
2025-01-01 custom "factoring-agreement" "{name}"
  advance-rate: 0.80
  fee: "tiered 1.75%/30d + 0.5%/10d"
  fee-timing: "collection"
  transfer-fee: 20.00 USD
  recourse-days: 90
  payee: "HARBOR CAPITAL"
  bank: Assets:Bank:Checking
{keys}"""

EVENTS = """
2025-03-03 * "Echo" "Load E-55120"
  invoice: "INV-2001"
  Assets:Receivable:Echo       1000.00 USD
  Income:Freight

2025-03-04 * "HARBOR CAPITAL" "Advance" ^INV-2001
  Assets:Bank:Checking          780.00 USD
  {clearing}

2025-03-20 * "Echo" "Echo paid Harbor" ^INV-2001
  factoring: "collected"

2025-03-25 * "HARBOR CAPITAL" "Rebate" ^INV-2001
  Assets:Bank:Checking          182.50 USD
  {reserve}
"""

CLEARING = "Assets:Factoring:Harbor:Clearing"
RESERVE = "Assets:Factoring:Harbor:Reserve"


def ledger(name: str, keys: str, opens: list[str], clearing: str, reserve: str) -> str:
    opened = "".join(f"2025-01-01 open {account}\n" for account in opens)
    return (
        opened
        + AGREEMENT.format(name=name, keys=keys)
        + EVENTS.format(clearing=clearing, reserve=reserve)
    )


def test_the_accounts_as_named_pass():
    # The rebate releases the 200.00: the reserve is back to 0.00 and nothing is said.
    text = ledger("Harbor", "", [CLEARING, RESERVE], CLEARING, RESERVE)
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, RESERVE) == 0


def test_a_misspelt_account_in_the_agreement_is_reported_on_its_key(tmp_path):
    keys = "  reserve: Assets:Factoring:Harbor:Reserves\n"
    text = ledger("Harbor", keys, [CLEARING, RESERVE, *OWN], CLEARING, RESERVE)
    path = tmp_path / "books.beancount"
    path.write_text('plugin "beancount_factoring.plugin"\n' + text)
    _, errors, _ = loader.load_file(str(path))
    assert codes(errors) == ["FCT110"]
    message = errors[0].message
    assert "Agreement 'Harbor', key 'reserve' (column 3)" in message
    assert "reserve: Assets:Factoring:Harbor:Reserves is never opened in the ledger" in message
    assert f"while {RESERVE} (opened at {path}:3)" in message
    assert f"write reserve: {RESERVE} in the agreement" in message
    # On the reserve: key's line: the plugin line, the 7 opens, the agreement's 8 lines
    # (its first line is blank): 1 + 7 + 9 + 1 = 18.
    assert errors[0].source["lineno"] == 18


def test_a_default_name_of_the_factors_full_name_is_reported():
    # "Harbor Capital" names Assets:Factoring:HarborCapital:Clearing by default; the
    # ledger opens and books to Assets:Factoring:Harbor:Clearing.
    _, errors = load(ledger("Harbor Capital", "", [CLEARING, RESERVE], CLEARING, RESERVE))
    assert "FCT110" in codes(errors)
    message = next(e.message for e in errors if e.message.startswith("FCT110"))
    assert (
        "its clearing account, Assets:Factoring:HarborCapital:Clearing by default "
        "(no clearing: key), is never opened"
    ) in message
    assert f"write clearing: {CLEARING} in the agreement" in message


def test_the_ledgers_own_accounts_and_another_factors_are_not_reported():
    # An escrow account of the user's under Harbor's, and an earlier factor's clearing
    # account used after Harbor's agreement: neither resembles an account of Harbor's.
    accounts = [
        CLEARING,
        RESERVE,
        "Assets:Factoring:Harbor:Escrow",
        "Assets:Factoring:RTSFinancial:Clearing",
    ]
    later = """
2025-04-01 * "Escrow top-up"
  Assets:Factoring:Harbor:Escrow             50.00 USD
  Assets:Factoring:RTSFinancial:Clearing    -50.00 USD
"""
    _, errors = load(ledger("Harbor", "", accounts, CLEARING, RESERVE) + later)
    assert errors == []


def test_an_account_last_used_before_the_agreement_is_not_reported():
    # Assets:Factoring:Harbor:Reserv (a typo fixed since) was last used in 2024, before
    # the agreement: the books of that time are not Harbor's agreement's.
    old = """
2024-06-01 open Assets:Factoring:Harbor:Reserv
2024-06-01 open Equity:Opening
2024-06-02 * "Old typo"
  Assets:Factoring:Harbor:Reserv     10.00 USD
  Equity:Opening                    -10.00 USD
"""
    _, errors = load(old + ledger("Harbor", "", [CLEARING, RESERVE], CLEARING, RESERVE))
    assert errors == []


def test_both_accounts_opened_is_no_error():
    # The ledger opens the agreement's ...:Reserves itself: both are meant, nothing said
    # by this check (the rebate on ...:Reserve is then the user's own business).
    keys = "  reserve: Assets:Factoring:Harbor:Reserves\n"
    accounts = [CLEARING, RESERVE, "Assets:Factoring:Harbor:Reserves"]
    _, errors = load(ledger("Harbor", keys, accounts, CLEARING, RESERVE))
    assert "FCT110" not in codes(errors)


def test_a_slip_is_found_whatever_the_letters_case():
    # fees: ...:Harbor:Fees beside the ledger's ...:Harbor:Fee, which the rebate's fee
    # posting uses: one letter, found (a capital letter is no slip of its own).
    keys = "  fees: Expenses:Factoring:Harbor:Fees\n"
    accounts = [CLEARING, RESERVE, "Expenses:Factoring:Harbor:Fee"]
    text = (
        ledger("Harbor", keys, accounts, CLEARING, RESERVE)
        + """
2025-03-26 * "Harbor" "Wire fee, booked by hand"
  Expenses:Factoring:Harbor:Fee     25.00 USD
  Assets:Bank:Checking
"""
    )
    _, errors = load(text)
    assert "FCT110" in codes(errors)
    message = next(e.message for e in errors if e.message.startswith("FCT110"))
    assert "fees: Expenses:Factoring:Harbor:Fees is never opened" in message


def test_a_three_letter_factors_default_beside_its_full_name():
    # "RTS" defaults to Assets:Factoring:RTS:Clearing; the ledger opens and books to
    # Assets:Factoring:RTSFinancial:Clearing (the name continues at a capital letter).
    rts = ["Assets:Factoring:RTSFinancial:Clearing", "Assets:Factoring:RTSFinancial:Reserve"]
    text = ledger("RTS", "", rts, rts[0], rts[1])
    _, errors = load(text)
    assert "FCT110" in codes(errors)
    message = next(e.message for e in errors if e.message.startswith("FCT110"))
    assert "Assets:Factoring:RTS:Clearing by default" in message
