"""A schedule without a number (a purchase report with no schedule column) and a
deposit that names nothing.

Only a numbered schedule is an open item a deposit that names nothing is matched to
(docs/ledger.md 5.3). The importer writes a report without a schedule column as a
schedule event without `schedule:`, and the bank importer writes the factor's deposit
naming nothing: the deposit then waits, and its FCT103 said "no open item of the factor
matches it. Book the schedule ...", sending the user to book again a schedule that is
booked. It now names that schedule and what to write.

Bluegate advances 94% and takes a flat 2% at purchase, 15.00 per transfer. IH-501 is
1,800.00 and IH-502 2,350.00: advances 1,692.00 + 2,209.00 = 3,901.00, fees 36.00 +
47.00 = 83.00, so the deposit is 3,901.00 - 83.00 - 15.00 = 3,803.00.
"""

from __future__ import annotations

from beancount import loader

LEDGER = """
plugin "beancount_factoring.plugin" "{{'as-of': '2025-05-20'}}"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:Kestrel
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Bluegate"
  advance-rate: 0.94
  fee: "flat 2%"
  transfer-fee: 15.00 USD
  recourse-days: 90
  payee: "BLUEGATE"
  bank: Assets:Bank:Checking

2025-05-02 * "Kestrel" "Load 1"
  invoice: "IH-501"
  Assets:Receivable:Kestrel    1800.00 USD
  Income:Freight

2025-05-03 * "Kestrel" "Load 2"
  invoice: "IH-502"
  Assets:Receivable:Kestrel    2350.00 USD
  Income:Freight

2025-05-06 * "Bluegate Capital" "Purchase, 2 invoices" ^IH-501 ^IH-502
  factoring: "schedule"
  factor: "Bluegate"{number}

2025-05-07 * "BLUEGATE CAPITAL ACH CREDIT"
  Assets:Bank:Checking          3803.00 USD
  Assets:Factoring:Bluegate:Clearing
"""


def _errors(number: str = "") -> list[str]:
    _, errors, _ = loader.load_string(LEDGER.format(number=number))
    return [e.message for e in errors]


def test_a_numbered_schedule_is_matched() -> None:
    assert _errors('\n  schedule: "S1"') == []


def test_the_deposit_names_the_unnumbered_schedule_it_may_fund() -> None:
    (message,) = _errors()
    assert message.startswith("FCT103 "), message
    # The schedule is booked: the message must not say to book it, but name it.
    assert "Book the schedule" not in message
    assert "schedule of 2025-05-06" in message
    assert "<string>:26" in message  # the schedule's line
    assert "IH-501, IH-502" in message
    assert 'schedule: "' in message and "^IH-501" in message
