"""The pages' pure parts: the config, the JSON for Fava's components, step charts."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import pytest

from beancount_factoring.fava.blocks import drop_zero_columns, step_series, table, to_json
from beancount_factoring.fava.config import ConfigError, PageConfig, parse_config

D = Decimal
day = datetime.date.fromisoformat


def test_no_config_is_the_defaults() -> None:
    assert parse_config(None) == PageConfig()
    assert parse_config("  ") == PageConfig()
    assert parse_config("{}") == PageConfig()


def test_a_config_sets_the_as_of_date_and_the_aging_basis() -> None:
    config = parse_config("{'as-of': '2025-03-31', 'aging-basis': 'due'}")
    assert config == PageConfig(as_of=day("2025-03-31"), aging_basis="due")
    assert parse_config("{'as-of': 'today'}") == PageConfig(as_of_today=True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not a Python dict literal"),
        ("foo", "not a Python dict literal"),
        ("__import__('os')", "not a Python dict literal"),
        ("['as-of']", "must be a dict, not a list"),
        (
            "{'asof': 'today'}",
            "unknown key 'asof' in the config (did you mean 'as-of'?); "
            "the keys are as-of, aging-basis",
        ),
        ("{'as-of': 'today', 'as-of': '2025-03-31'}", "key 'as-of' is written twice"),
        ("{'as-of': 2025-03-31}", "the date 2025-03-31 is not in quotes"),
        ("{'as-of': '2025-13-01'}", "'as-of' must be 'today' or a date"),
        ("{'as-of': 20250101}", "'as-of' must be 'today' or a date"),
        ("{'aging-basis': 'weekly'}", "'aging-basis' must be 'invoice' or 'due'"),
    ],
)
def test_a_bad_config_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_config(text)


def test_json_for_a_script_element_cannot_close_it() -> None:
    text = str(to_json({"payee": "</script><script>alert(1)</script>", "n": D("1.50")}))
    assert "<" not in text and ">" not in text
    assert json.loads(text) == {"payee": "</script><script>alert(1)</script>", "n": 1.5}
    assert "1.50" in text  # Decimals exactly, not through a float


def test_a_table_is_the_json_of_fava_query_tables() -> None:
    made = table(
        [("Invoice", "str"), ("Currency", "str"), ("Amount", "Decimal")],
        [["A-1", "USD", D("1.00")], ["A-2", "USD", D("2.00")], ["A-3", "USD", D("3.00")]],
        invoice_column="Invoice",
        limit=2,
        leave_out=["Currency"],
    )
    assert json.loads(str(made.data)) == {
        "t": "table",
        "types": [{"name": "Invoice", "dtype": "str"}, {"name": "Amount", "dtype": "Decimal"}],
        "rows": [["A-1", 1.0], ["A-2", 2.0]],
    }
    assert (made.shown, made.total, made.cut, made.invoice_column) == (2, 3, 1, 0)
    with pytest.raises(ValueError, match="column names must differ"):
        table([("A", "str"), ("A", "int")], [])


def test_zero_columns_can_be_left_out() -> None:
    columns, rows = drop_zero_columns(
        [("Key", "str"), ("Late", "Decimal"), ("Other", "Decimal")],
        [["a", D(0), D(1)], ["b", D(0), D(0)]],
        ["Late", "Other"],
    )
    assert columns == [("Key", "str"), ("Other", "Decimal")]
    assert rows == [["a", D(1)], ["b", D(0)]]


def test_a_balance_is_drawn_in_steps_from_the_start_to_the_end() -> None:
    points = [(day("2025-01-10"), D(100)), (day("2025-01-20"), D(150)), (day("2025-02-05"), D(0))]
    assert step_series(points, None, day("2025-01-31")) == [
        (day("2025-01-10"), D(100)),
        (day("2025-01-19"), D(100)),
        (day("2025-01-20"), D(150)),
        (day("2025-01-31"), D(150)),
    ]
    # A period that starts later carries the balance in.
    assert step_series(points, day("2025-01-15"), day("2025-01-25")) == [
        (day("2025-01-15"), D(100)),
        (day("2025-01-19"), D(100)),
        (day("2025-01-20"), D(150)),
        (day("2025-01-25"), D(150)),
    ]
    assert step_series([], day("2025-01-01"), day("2025-01-31")) == [
        (day("2025-01-01"), D(0)),
        (day("2025-01-31"), D(0)),
    ]
    assert step_series([], None, day("2025-01-31")) == []


def test_a_table_totals_its_summed_columns_per_currency_in_its_footer() -> None:
    made = table(
        [("Invoice", "str"), ("Currency", "str"), ("Days", "int"), ("Amount", "Decimal")],
        [
            ["A-1", "USD", 3, D("1.005")],
            ["A-2", "CAD", 4, D("2.00")],
            ["A-3", "USD", 5, D("3.00")],
        ],
        limit=1,
        summed=["Amount"],
    )
    # Over every row, also those not shown: USD 1.005 + 3.00 = 4.005 -> 4.01 (half up);
    # CAD 2.00. Days do not add up.
    assert made.totals == (("Total", "CAD", "", "2.00"), ("Total", "USD", "", "4.01"))
    assert json.loads(made.totals_json)[1] == ["Total", "USD", "", "4.01"]
    assert len(json.loads(str(made.data))["rows"]) == 1
