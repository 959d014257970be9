"""Read a report's JSON back, as a program would, and check each total against the
lines it adds up (the sums ``reports/model.py`` documents). ``check_totals`` returns
what does not add up, one line each: empty when every total is right."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

FEE_KINDS = ("discount", "late", "invoice", "transfer", "chargeback", "fuel", "minimum", "other")
Data = dict[str, Any]


def _sum(values: Iterable[str | int]) -> Decimal:
    return sum((Decimal(value) for value in values), Decimal(0))


def _same(problems: list[str], where: str, total: str | Decimal, parts: Decimal) -> None:
    if Decimal(total) != parts:
        problems.append(f"{where}: {total} != {parts}")


def _fees(problems: list[str], where: str, fees: Data) -> None:
    _same(problems, f"{where} fees total", fees["total"], _sum(fees[k] for k in FEE_KINDS))


def reserve_totals(data: Data, problems: list[str]) -> None:
    for factor in data["factors"]:
        where = f"reserve {factor['factor']} {factor['currency']}"
        lines = factor["invoices"]
        for total, field in (
            ("held", "held"),
            ("accrued_fees", "accrued_fee"),
            ("forfeited", "forfeited"),
        ):
            _same(problems, f"{where} {total}", factor[total], _sum(x[field] for x in lines))
        # What the releases due and overdue should pay (not those awaiting collection).
        due = (x["due_back"] for x in lines if x["status"] in ("release due", "overdue"))
        _same(problems, f"{where} due_back", factor["due_back"], _sum(due))
        by_status = _sum(held for _, held in factor["by_status"])
        _same(problems, f"{where} by_status", factor["held"], by_status)
        net = Decimal(factor["held"]) - Decimal(factor["accrued_fees"])
        _same(problems, f"{where} held_net_of_fees", factor["held_net_of_fees"], net)
        unexplained = Decimal(factor["account_balance"]) - Decimal(factor["held"])
        _same(problems, f"{where} unexplained", factor["unexplained"], unexplained)


def aging_totals(data: Data, problems: list[str]) -> None:
    buckets = data["buckets"]

    def row() -> list[Decimal]:
        return [Decimal(0)] * len(buckets)

    by_invoices: defaultdict[tuple[str, str | None, str], list[Decimal]] = defaultdict(row)
    for line in data["invoices"]:
        key = (line["customer"], line["factor"], line["currency"])
        by_invoices[key][buckets.index(line["bucket"])] += Decimal(line["amount"])
    by_table: dict[str, defaultdict[str, list[Decimal]]] = {}
    for name in ("unfactored", "factored"):
        by_table[name] = sums = defaultdict(row)
        for line in data[name]:
            where = f"aging {name} {line['customer']} {line['currency']}"
            _same(problems, f"{where} total", line["total"], _sum(line["buckets"]))
            key = (line["customer"], line["factor"], line["currency"])
            for index, amount in enumerate(line["buckets"]):
                _same(problems, f"{where} {buckets[index]}", amount, by_invoices[key][index])
                sums[line["currency"]][index] += Decimal(amount)
    for total in data["totals"]:
        currency = total["currency"]
        for name in ("unfactored", "factored"):
            for index, amount in enumerate(total[name]):
                where = f"aging totals {currency} {name} {buckets[index]}"
                _same(problems, where, amount, by_table[name][currency][index])
        held = Decimal(total["factor_outstanding"]) + Decimal(total["scheduled"])
        _same(problems, f"aging totals {currency} factored", _sum(total["factored"]), held)


def cost_totals(data: Data, problems: list[str]) -> None:
    # The customer lines (with the "(no invoice)" line) and the month lines each add up
    # to the factor lines, kind by kind.
    sums: defaultdict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for group in ("by_factor", "by_customer", "by_month"):
        for line in data[group]:
            _fees(problems, f"cost {group} {line['key']}", line["fees"])
            for kind in (*FEE_KINDS, "total"):
                sums[(line["currency"], group, kind)] += Decimal(line["fees"][kind])
    for currency in {line["currency"] for line in data["by_factor"]}:
        for kind in (*FEE_KINDS, "total"):
            factors = sums[(currency, "by_factor", kind)]
            for group in ("by_customer", "by_month"):
                where = f"cost {currency} {group} {kind}"
                _same(problems, where, factors, sums[(currency, group, kind)])
    # Each customer's closed invoices add up to its line's closed count and fees.
    closed: defaultdict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 2)
    for line in data["by_invoice"]:
        _fees(problems, f"cost invoice {line['invoice']}", line["fees"])
        key = (line["customer"], line["currency"])
        closed[key][0] += 1
        closed[key][1] += Decimal(line["fees"]["total"])
    for line in data["by_customer"]:
        count, fees = closed.get((line["key"], line["currency"]), (Decimal(0), Decimal(0)))
        if count:
            where = f"cost customer {line['key']} {line['currency']}"
            _same(problems, f"{where} closed", str(line["closed"]), count)
            _same(problems, f"{where} closed_fees", line["closed_fees"], fees)


def reconcile_totals(data: Data, problems: list[str]) -> None:
    for account in data["accounts"]:
        where = f"reconcile {account['factor']} {account['currency']}"
        # The lumps on the clearing account explain it; a release on the reserve does not.
        clearing = {account["account"], *account["accounts"]}
        explained = _sum(item["on_clearing"] for item in account["items"])
        explained += _sum(x["amount"] for x in account["unallocated"] if x["account"] in clearing)
        _same(problems, f"{where} explained", account["explained"], explained)
        unexplained = Decimal(account["balance"]) - Decimal(account["explained"])
        _same(problems, f"{where} unexplained", account["unexplained"], unexplained)


def compare_totals(data: Data, problems: list[str]) -> None:
    for offer in data["offers"]:
        name = offer["offer"]
        for group in ("by_month", "by_customer", "totals"):
            for line in offer[group]:
                difference = Decimal(line["offer_fees"]) - Decimal(line["actual_fees"])
                where = f"compare {name} {group} {line['key']} difference"
                _same(problems, where, line["difference"], difference)
        fields = ("invoices", "face", "actual_fees", "offer_fees", "difference")
        for group in ("by_month", "by_customer"):
            sums: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
            for line in offer[group]:
                for field in fields:
                    sums[(line["currency"], field)] += Decimal(line[field])
            for total in offer["totals"]:
                for field in fields:
                    where = f"compare {name} {group} against total {field}"
                    _same(problems, where, total[field], sums[(total["currency"], field)])
        per_customer: defaultdict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
        for invoice in offer["invoices"]:
            _fees(problems, f"compare {name} {invoice['invoice']} actual", invoice["actual"])
            _fees(problems, f"compare {name} {invoice['invoice']} offer", invoice["offer"])
            key = (invoice["customer"], invoice["currency"])
            per_customer[(*key, "invoices")] += 1
            per_customer[(*key, "face")] += Decimal(invoice["face"])
            per_customer[(*key, "actual_fees")] += Decimal(invoice["actual"]["total"])
            per_customer[(*key, "offer_fees")] += Decimal(invoice["offer"]["total"])
        for line in offer["by_customer"]:
            if (line["key"], line["currency"], "invoices") not in per_customer:
                continue  # the charges apart from any invoice
            for field in ("invoices", "face", "actual_fees", "offer_fees"):
                where = f"compare {name} customer {line['key']} {field}"
                parts = per_customer[(line["key"], line["currency"], field)]
                _same(problems, where, line[field], parts)


CHECKS: dict[str, Callable[[Data, list[str]], None]] = {
    "reserve": reserve_totals,
    "aging": aging_totals,
    "cost": cost_totals,
    "reconcile": reconcile_totals,
    "compare": compare_totals,
}


def check_totals(report: str, data: Data) -> list[str]:
    """What does not add up in the JSON of ``report`` (empty: every total is right)."""
    problems: list[str] = []
    CHECKS[report](data, problems)
    return problems
