"""The reconciliation page: clearing accounts, open items, lump sums, disagreements."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from beancount_factoring.fava.blocks import (
    DATE,
    DECIMAL,
    INT,
    STR,
    TOTAL,
    Headline,
    Page,
    Table,
    balances_chart,
    charts,
    money,
    step_series,
)
from beancount_factoring.fava.content import (
    Directory,
    as_of_figures,
    keeps,
    names_of,
    notices,
    page_tables,
)
from beancount_factoring.fava.view import View
from beancount_factoring.reports import ReportBook
from beancount_factoring.reports.model import (
    ClearingAccount,
    Disagreement,
    OpenItem,
    UnallocatedLump,
)


def reconcile_page(
    book: ReportBook,
    view: View,
    where: Directory,
    clearing_history: Mapping[str, Sequence[tuple[datetime.date, Mapping[str, Decimal]]]],
) -> Page:
    """Open items of each clearing account, unallocated lump sums, disagreements."""
    report = book.reconcile(as_of=view.as_of, factor=view.factor)
    tab, page_currency = page_tables(
        {a.currency for a in report.accounts}
        | {lump.currency for a in report.accounts for lump in a.unallocated},
        where.number,
    )
    # A customer's filter keeps its factors' clearing accounts, whole.
    rows = where.kept_rows(view)
    accounts = [
        a
        for a in report.accounts
        if keeps(rows, a.factor, a.currency) or view.matches_account((a.account, *a.accounts))
    ]
    kept = names_of(rows)
    items = sorted(
        (item for a in accounts for item in a.items),
        key=lambda item: (not item.overdue, item.since, item.reference),
    )
    lumps = sorted((lump for a in accounts for lump in a.unallocated), key=lambda u: u.date)
    # An error that belongs to no factor (an invoice's, a config's) is kept under any
    # account filter, as under ``factor``: the page must not say nothing disagrees.
    disagreements = [
        d for d in report.disagreements if kept is None or d.factor is None or d.factor in kept
    ]
    tables = {
        "accounts": _accounts_table(accounts, tab),
        "items": _items_table(items, where, tab),
        "lumps": _lumps_table(lumps, where, tab),
        "disagreements": _disagreements_table(disagreements, where, tab),
    }
    chart_list = _clearing_charts(accounts, clearing_history, view)
    scatter = _items_scatter(items, where)
    if scatter is not None:
        chart_list.append(scatter)
    return Page(
        view=view,
        tables=tables,
        charts=charts(chart_list),
        notices=notices(book, view, where, page_currency)
        + _split_notice(view, where, disagreements),
        figures=tuple(as_of_figures(view, page_currency)),
        extra={
            "problems": _problems(view, where, items, lumps, accounts, disagreements),
            "settled": _settled(items),
        },
        headlines=(_headline(accounts, where, where.names_customers(view)),),
    )


def _accounts_table(accounts: Sequence[ClearingAccount], tab: Callable[..., Table]) -> Table:
    """Each clearing account's balance, the part its open items explain, and its counts
    of open items, of those past their deadline and of unallocated lump sums."""
    return tab(
        [
            ("Factor", STR),
            ("Clearing account", STR),
            ("Currency", STR),
            ("Balance", DECIMAL),
            ("Explained by open items", DECIMAL),
            ("Unexplained", DECIMAL),
            ("Open items", INT),
            ("Past deadline", INT),
            ("Unallocated lump sums", INT),
        ],
        [
            [
                a.factor,
                " + ".join(a.accounts or (a.account,)),
                a.currency,
                money(a.balance),
                money(a.explained),
                money(a.unexplained),
                len(a.items),
                sum(1 for item in a.items if item.overdue),
                len(a.unallocated),
            ]
            for a in accounts
        ],
        summed=(
            "Balance",
            "Explained by open items",
            "Unexplained",
            "Open items",
            "Past deadline",
            "Unallocated lump sums",
        ),
    )


def _items_table(items: Sequence[OpenItem], where: Directory, tab: Callable[..., Table]) -> Table:
    """Each open item: what it is, since when, its deadline, and the cash it expects."""
    return tab(
        [
            ("Kind", STR),
            ("Factor", STR),
            ("Reference", STR),
            ("Invoices", STR),
            ("Since", DATE),
            ("Days open", INT),
            ("Deadline", DATE),
            ("Past deadline", STR),
            ("Currency", STR),
            ("On clearing", DECIMAL),
            ("Cash expected", DECIMAL),
        ],
        [
            [
                item.kind,
                item.factor,
                _reference(item, where),
                " ".join(item.invoices),
                item.since,
                item.days_open,
                item.deadline,
                _overdue(item),
                item.currency,
                money(item.on_clearing),
                money(item.cash),
            ]
            for item in items
        ],
        invoice_column="Invoices",
        # A deposit difference's reference is its place in the ledger: a link to it.
        source_column="Reference",
        summed=("On clearing", "Cash expected"),
    )


def _lumps_table(
    lumps: Sequence[UnallocatedLump], where: Directory, tab: Callable[..., Table]
) -> Table:
    """Each lump sum on a clearing account that no invoice takes, and where it is."""
    return tab(
        [
            ("Date", DATE),
            ("Factor", STR),
            ("Payee", STR),
            ("Narration", STR),
            ("Account", STR),
            ("Currency", STR),
            ("Amount", DECIMAL),
            ("Days open", INT),
            ("Past grace", STR),
            ("Errors", STR),
            ("Where", STR),
        ],
        [
            [
                u.date,
                u.factor,
                u.payee,
                u.narration,
                u.account,
                u.currency,
                money(u.amount),
                u.days_open,
                "yes" if u.past_grace else "",
                " ".join(u.codes),
                where.where(u.source),
            ]
            for u in lumps
        ],
        source_column="Where",
        summed=("Amount",),
    )


def _disagreements_table(
    disagreements: Sequence[Disagreement], where: Directory, tab: Callable[..., Table]
) -> Table:
    """Each disagreement with the agreements: its code, message and place."""
    return tab(
        [("Code", STR), ("Date", DATE), ("Factor", STR), ("Message", STR), ("Where", STR)],
        [
            [d.code, d.date, d.factor or "", d.message, where.where(d.source)]
            for d in disagreements
        ],
        source_column="Where",
    )


def _clearing_charts(
    accounts: Sequence[ClearingAccount],
    clearing_history: Mapping[str, Sequence[tuple[datetime.date, Mapping[str, Decimal]]]],
    view: View,
) -> list[dict[str, Any]]:
    """Each clearing account's balance over the period, a chart each (none when flat)."""
    chart_list = []
    for a in accounts:
        names = a.accounts or (a.account,)
        points = _summed(names, a.currency, clearing_history)
        series = step_series(points, view.start, view.as_of)
        if series:
            label = f"{a.factor} clearing ({' + '.join(names)})"
            chart_list.append(balances_chart(label, {a.currency: series}))
    return chart_list


def _summed(
    names: Sequence[str],
    currency: str,
    history: Mapping[str, Sequence[tuple[datetime.date, Mapping[str, Decimal]]]],
) -> list[tuple[datetime.date, Decimal]]:
    """The balance of several accounts together at the end of each day one changed (the
    clearing accounts of a factor's earlier and later terms)."""
    changes = sorted(
        (day, name, balance.get(currency, Decimal(0)))
        for name in names
        for day, balance in history.get(name, ())
    )
    latest: dict[str, Decimal] = {}
    points: list[tuple[datetime.date, Decimal]] = []
    for day, name, balance in changes:
        latest[name] = balance
        total = sum(latest.values(), Decimal(0))
        if points and points[-1][0] == day:
            points[-1] = (day, total)
        else:
            points.append((day, total))
    return points


def _items_scatter(items: Sequence[OpenItem], where: Directory) -> dict[str, Any] | None:
    """The open items as dots by date and kind, each naming its items (None: no item)."""
    dots: dict[tuple[datetime.date, str], list[str]] = {}
    for item in items:
        text = f"{item.factor}: {_reference(item, where)} {where.amount(item.cash, item.currency)}"
        dots.setdefault((item.since, item.kind), []).append(text)
    if not dots:
        return None
    return {
        "type": "scatterplot",
        "label": "Open items",
        "data": [
            {"date": day, "type": kind, "description": "; ".join(texts)}
            for (day, kind), texts in sorted(dots.items())
        ],
    }


def _headline(
    accounts: Sequence[ClearingAccount], where: Directory, whole: bool = False
) -> Headline:
    """Does each clearing account net to zero, and if not, why.

    *Balance* is the account's residue as of the date; *explained* the part the open
    items and unallocated lump sums account for; *unexplained* the rest (the books are
    wrong, or something is missing); *past grace* counts the open items past their
    deadline and the lump sums past their grace days: those to chase.
    """
    rows: list[tuple[str, str, list[Decimal]]] = []
    totals: dict[str, list[Decimal]] = {}
    for a in accounts:
        late = sum(1 for item in a.items if item.overdue)
        late += sum(1 for lump in a.unallocated if lump.past_grace)
        figures = [a.balance, a.explained, a.unexplained, Decimal(late)]
        rows.append((a.factor, a.currency, figures))
        total = totals.setdefault(a.currency, [Decimal(0)] * 4)
        for index, amount in enumerate(figures):
            total[index] += amount
    if len(accounts) > 1:
        rows += [(TOTAL, currency, figures) for currency, figures in sorted(totals.items())]
    return Headline(
        title="Clearing residue",
        columns=("Factor", "Balance", "Explained", "Unexplained", "Items past grace"),
        rows=tuple(
            (
                name,
                *(where.amount(amount, currency) for amount in figures[:3]),
                str(figures[3]),
            )
            for name, currency, figures in rows
        ),
        numeric=(False, True, True, True, True),
        note=(
            "Of these factors' clearing accounts, every customer's items: the account "
            "filter does not narrow an account's balance. "
            if whole
            else ""
        )
        + "Explained: by the open items and unallocated lump sums below; items past "
        "grace: open items past their deadline and lump sums past their grace days.",
        empty="No clearing account.",
    )


def _reference(item: OpenItem, where: Directory) -> str:
    """An open item's reference; one that is its source, relative to the ledger."""
    return where.where(item.source) if item.reference == str(item.source) else item.reference


def _problems(
    view: View,
    where: Directory,
    items: Sequence[OpenItem],
    lumps: Sequence[UnallocatedLump],
    accounts: Sequence[ClearingAccount],
    disagreements: Sequence[Disagreement],
) -> list[str]:
    """What the page's headline lists: what is open past its deadline, the
    disagreements with the agreements, the balances no open item explains.

    Of the rows the filters keep, with the amounts in Fava's locale and the files
    relative to the ledger.
    """
    problems = [
        f"{item.factor}: {item.kind} {_reference(item, where)} ({where.where(item.source)}), "
        f"open since {item.since}, past {item.deadline} by "
        f"{(view.as_of - item.deadline).days} days"
        for item in items
        if item.overdue and item.deadline is not None and item.silenced is None
    ]
    problems += [
        f"{lump.factor}: unallocated {where.amount(lump.amount, lump.currency)} on "
        f"{lump.date} ({where.where(lump.source)}), open {lump.days_open} days "
        f"(grace-days: {lump.grace_days})"
        for lump in lumps
        if lump.past_grace and lump.silenced is None
    ]
    problems += [
        f"{a.factor}: {where.amount(a.unexplained, a.currency)} on "
        f"{' + '.join(a.accounts or (a.account,))} that no "
        "open item explains"
        for a in accounts
        if money(a.unexplained)
    ]
    if disagreements:
        count = len(disagreements)
        problems.append(
            f"{count} disagreement{'s' if count > 1 else ''} with the agreements "
            f"({', '.join(sorted({d.code for d in disagreements}))}): see below"
        )
    return problems


def _overdue(item: OpenItem) -> str:
    """The items table's "Overdue" cell."""
    if item.overdue:
        return f"yes ({item.silenced} disabled)" if item.silenced else "yes"
    return "awaiting funding" if item.awaiting_funding else ""


def _settled(items: Sequence[OpenItem]) -> str:
    """The headline when nothing needs attention."""
    if not items:
        return "Nothing is open, and nothing disagrees with the agreements."
    count = len(items)
    # Past the deadline of a check the ledger disables: not counted, but said.
    codes = sorted({item.silenced for item in items if item.overdue and item.silenced})
    silenced = sum(1 for item in items if item.overdue and item.silenced)
    also = (
        f" ({silenced} past its deadline, not counted: the ledger disables {', '.join(codes)})"
        if silenced
        else ""
    )
    return (
        f"{count} open item{'s' if count > 1 else ''}, none past its grace period{also}; "
        "nothing disagrees with the agreements."
    )


def _split_notice(
    view: View, where: Directory, disagreements: Sequence[Disagreement]
) -> tuple[str, ...]:
    """What the page says when the account filter keeps a factor in some currencies of
    its agreements only: an error names a factor, not a currency, so that factor's
    disagreements stay in every currency. Names the currencies kept (none: no notice)."""
    split = where.split_factors(view) & {d.factor for d in disagreements}
    rows = where.kept_rows(view) or frozenset()
    said = []
    for name in sorted(split):
        kept = " and ".join(sorted(c for n, c in rows if n == name and c is not None))
        said.append(
            f"The account filter keeps {name}'s rows in {kept} only, but the disagreements "
            f"below are {name}'s in every currency: a factoring error names the factor, "
            "not a currency."
        )
    return tuple(said)
