"""The error catalogue: every error the product gives has a code, an input and a section.

The code tables of `beancount_factoring.errors` (the plugin's CODES, then IMPORTER_CODES,
FAVA_CODES and CLI_CODES) are read as they stand, so a code added to any of them is
checked here at once. For every code:

- docs/errors.md has one section for it: `## FCT120: ...` for a plugin code (the form
  tests/test_docs.py reads), `### FCT207: ...` for the importers', the Fava pages' and
  `bean-factoring`'s, under their part at the end of the page;
- CASES below holds a minimal input that gives that code and no other, and the test
  runs it; the section of a code outside the plugin shows the very message it gives;
- something in beancount_factoring/ gives it: no code is in a table for nothing.

And every place in beancount_factoring/ that makes an error gives it a code from the
table of its kind: read with `ast`, so a raise without a code, or with a code no table
has, fails here with the file and line.

A new code needs its section in docs/errors.md and an entry in CASES; the failures name
the code and say which one is missing.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from beancount import loader
from fava.application import create_app

from beancount_factoring import cli
from beancount_factoring.errors import ALL_CODES, CLI_CODES, CODES, FAVA_CODES, IMPORTER_CODES
from beancount_factoring.importers import profiles
from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.invoices import InvoiceImporter

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "beancount_factoring"
ERRORS_MD = ROOT / "docs" / "errors.md"

TABLES = {"plugin": CODES, "importer": IMPORTER_CODES, "fava": FAVA_CODES, "cli": CLI_CODES}
# Each table's range: the plugin FCT1nn, the importers FCT2nn, the pages FCT30n and the
# command line FCT31n, so that a code tells where it comes from.
RANGES = {"plugin": r"FCT1\d\d", "importer": r"FCT2\d\d", "fava": r"FCT30\d", "cli": r"FCT31\d"}

_CODE = re.compile(r"FCT\d{3}")
# A string that is a code, or a message led by one.
_LITERAL = re.compile(r"(FCT\d{3})(?: |$)")
_SECTION = re.compile(r"^(#{2,3}) (FCT\d{3}): \S")
# The code of a message: what it starts with, or what follows its place ("checking.csv:3,
# column 'Amount': FCT207 ...", "argument --factor: FCT311 ...").
_GIVEN = re.compile(r"(?:^|: )(FCT\d{3}) ")


# The inputs -----------------------------------------------------------------------------

Run = Callable[[Path], list[str]]

OPENS = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight
"""
AGREEMENT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
"""
INVOICE = """
2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight
"""
BAD_OFFER = """
2025-01-01 custom "factoring-offer" "Bluewater"
  advance-rate: 0.90
  fee: "flat 1%"
  recourse-days: 60
  advance: 0.90
"""
SECOND_INVOICE = INVOICE.replace("Load 1", "Load 2").replace("INV-1", "INV-2")
FUNDING = """
2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing
"""
SCHEDULE = """
2025-03-04 * "Summit" "Schedule 7" ^INV-1
  factoring: "schedule"
  schedule: "7"
"""
COLLECTED = """
2025-03-20 * "TQL" "TQL paid Summit" ^INV-1
  factoring: "collected"
"""


def ledger(*parts: str, config: str | None = None, agreement: str = AGREEMENT) -> Run:
    """Ledger text with the plugin (and its config), the accounts and the agreement."""

    def run(folder: Path) -> list[str]:
        plugin = 'plugin "beancount_factoring.plugin"'
        if config is not None:
            plugin += f' "{config}"'
        text = "\n".join([plugin, OPENS, agreement, *parts])
        _, errors, _ = loader.load_string(text)
        return [error.message for error in errors]

    return run


def extracting(make: Callable[[], Any], name: str, content: str | bytes) -> Run:
    """A file in the folder (the current one), given to a new importer's extract()."""

    def run(folder: Path) -> list[str]:
        (folder / name).write_bytes(content.encode() if isinstance(content, str) else content)
        try:
            make().extract(name, [])
        except ImportFailure as failure:
            return [str(failure)]
        return []

    return run


def bank(**options: Any) -> Callable[[], BankCsvImporter]:
    columns = {"date": "Date", "narration": "Description", "amount": "Amount", **options}
    return lambda: BankCsvImporter("Assets:Bank:Checking", factors={}, **columns)


def invoices(**options: Any) -> Callable[[], InvoiceImporter]:
    return lambda: InvoiceImporter(due=None, load=None, **options)


COLLECTIONS = profiles.Profile.generic(
    kind="collections",
    columns={"invoice": "Invoice", "date": "Paid On", "paid": "Paid"},
    date_format="%m/%d/%Y",
    name="summit",
    factor="Summit",
)


def collections() -> FactorReportImporter:
    return FactorReportImporter(COLLECTIONS, "Summit", bank="Assets:Bank:Checking")


FAVA_LEDGER = """\
option "title" "Catalogue"
plugin "beancount_factoring.plugin"
2025-01-01 custom "fava-extension" "beancount_factoring.fava"{config}
"""
FAVA_SLUG = "catalogue"


def fava(folder: Path, config: str = "") -> Any:
    """Fava's test client on a small ledger, with the extension and this config."""
    path = folder / "fava.beancount"
    extension = f' "{config}"' if config else ""
    path.write_text(FAVA_LEDGER.format(config=extension) + OPENS + AGREEMENT + INVOICE)
    app = create_app([str(path)], load=True)
    app.testing = True
    return app.test_client()


def fava_config(config: str) -> Run:
    """The extension's errors on Fava's Errors page."""

    def run(folder: Path) -> list[str]:
        errors = fava(folder, config).get(f"/{FAVA_SLUG}/api/errors").json["data"]
        return [e["message"] for e in errors if "beancount_factoring.fava" in e["message"]]

    return run


def fava_page(query: str) -> Run:
    """What a page answers a request with this query: a 400 and its text."""

    def run(folder: Path) -> list[str]:
        response = fava(folder).get(f"/{FAVA_SLUG}/extension/FactoringAging/?{query}")
        assert response.status_code == 400, response.status_code
        assert response.mimetype == "text/plain"  # Fava shows the message as it is
        return [response.get_data(as_text=True).strip()]

    return run


def command(*args: str, body: str = INVOICE, plugin: bool = True) -> Run:
    """The lines bean-factoring prints about an error (not the usage nor the loader's)."""

    def run(folder: Path) -> list[str]:
        head = 'plugin "beancount_factoring.plugin"\n' if plugin else ""
        (folder / "ledger.beancount").write_text(head + OPENS + AGREEMENT + body)
        printed = io.StringIO()
        with contextlib.redirect_stderr(printed):
            try:
                status = cli.main(list(args), out=io.StringIO())
            except SystemExit as exit_:
                status = exit_.code
        assert status == 2
        return [line for line in printed.getvalue().splitlines() if line.startswith("bean-")]

    return run


BANK_HEADER = "Date,Description,Amount\n"
INVOICE_HEADER = "Invoice #,Invoice Date,Customer,Charge,Amount\n"

# One minimal input per code; each gives that code and no other.
CASES: dict[str, Run] = {
    # The plugin (bean-check).
    "FCT100": ledger(INVOICE, config="tolerance=0.05"),
    "FCT101": ledger(
        INVOICE,
        SCHEDULE,
        """
2025-03-05 * "SUMMIT FUNDING" "ACH deposit"
  Assets:Bank:Checking          935.00 USD
  Assets:Factoring:Summit:Clearing
""",
    ),
    "FCT102": ledger(
        INVOICE,
        SECOND_INVOICE,
        SCHEDULE,
        SCHEDULE.replace("INV-1", "INV-2").replace("7", "8"),
        """
2025-03-05 * "SUMMIT FUNDING" "ACH deposit"
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing
""",
    ),
    "FCT103": ledger(
        INVOICE,
        """
2025-03-05 * "SUMMIT FUNDING" "ACH deposit"
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing
""",
        config="{'as-of': '2025-03-14'}",
    ),
    "FCT104": ledger(
        INVOICE,
        FUNDING,
        """
2025-03-05 * "Summit" "Transfer fee per statement"
  Expenses:Factoring:Summit:Fees       25.00 USD
  Assets:Factoring:Summit:Clearing
""",
        config="{'as-of': '2025-03-14'}",
    ),
    "FCT110": ledger(agreement=AGREEMENT.replace("0.95", "95")),
    "FCT111": ledger(INVOICE, SCHEDULE.replace('"7"', '"7"\n  factor: "Harbor"')),
    "FCT120": ledger(INVOICE, FUNDING.replace("930.00", "925.00")),
    "FCT121": ledger(
        INVOICE,
        SCHEDULE
        + "  Assets:Factoring:Summit:Clearing    900.00 USD\n"
        + "  Assets:Receivable:TQL              -900.00 USD\n",
    ),
    "FCT130": ledger(INVOICE, FUNDING, FUNDING.replace("ACH deposit", "ACH deposit again")),
    "FCT131": ledger(
        INVOICE,
        """
2025-03-04 * "TQL" "TQL paid us" ^INV-1
  Assets:Bank:Checking         1000.00 USD
  Assets:Receivable:TQL
""",
        SCHEDULE.replace("2025-03-04", "2025-03-05"),
    ),
    "FCT132": ledger(INVOICE, SCHEDULE.replace("^INV-1", "^INV-1 ^INV-9")),
    "FCT133": ledger(INVOICE, COLLECTED),
    "FCT134": ledger(INVOICE, COLLECTED.replace('"collected"', '"paid"')),
    "FCT135": ledger(
        INVOICE,
        FUNDING,
        """
2025-05-01 * "Summit" "TQL insolvent" ^INV-1
  factoring: "credit-loss"
""",
    ),
    "FCT136": ledger(
        INVOICE,
        FUNDING,
        """
2025-03-10 * "TQL" "TQL paid us" ^INV-1
  Assets:Bank:Checking         1000.00 USD
  Assets:Receivable:TQL
""",
    ),
    "FCT137": ledger(
        INVOICE,
        FUNDING,
        """
2025-04-03 * "Summit" "Recourse" ^INV-1
  factoring: "chargeback"
""",
    ),
    "FCT140": ledger(
        INVOICE,
        FUNDING,
        COLLECTED,
        """
2025-03-25 * "SUMMIT FUNDING" "Reserve release" ^INV-1
  Assets:Bank:Checking           80.00 USD
  Assets:Factoring:Summit:Reserve
""",
    ),
    "FCT141": ledger(
        INVOICE,
        FUNDING,
        """
2025-03-31 * "SUMMIT FUNDING" "Monthly reserve release"
  factoring: "release"
  Assets:Bank:Checking           80.00 USD
  Assets:Factoring:Summit:Reserve
""",
    ),
    "FCT150": ledger(
        INVOICE,
        """
2025-03-04 * "SUMMIT FUNDING" "ACH deposit"
  Assets:Bank:Checking          930.00 USD
  Income:Freight
""",
    ),
    "FCT151": ledger(
        INVOICE,
        """
2025-01-01 open Assets:Bank:Savings

2025-03-04 * "SUMMIT FUNDING" "ACH deposit"
  Assets:Bank:Savings           930.00 USD
  Assets:Factoring:Summit:Clearing
""",
    ),
    "FCT152": ledger(
        INVOICE,
        """
2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Harbor:Clearing
""",
        agreement=AGREEMENT
        + AGREEMENT.replace('"Summit"', '"Harbor"').replace("SUMMIT FUNDING", "HARBOR CAPITAL"),
    ),
    "FCT153": ledger(
        INVOICE,
        FUNDING,
        """
2025-03-05 pad Assets:Factoring:Summit:Reserve Expenses:Factoring:Summit:Fees
2025-03-06 balance Assets:Factoring:Summit:Reserve  0.00 USD
""",
    ),
    "FCT154": ledger(
        INVOICE,
        FUNDING,
        """
2025-04-01 open Equity:Opening-Balances
2025-04-01 * "Opening balances" "Trial balance"
  Assets:Factoring:Summit:Reserve   50.00 USD
  Equity:Opening-Balances
""",
    ),
    "FCT160": ledger(INVOICE, FUNDING, config="{'as-of': '2025-06-10'}"),
    "FCT161": ledger(
        INVOICE,
        FUNDING,
        COLLECTED,
        agreement=AGREEMENT.replace("recourse-days: 90", "recourse-days: 90\n  release-days: 10"),
        config="{'as-of': '2025-04-15'}",
    ),
    "FCT162": ledger(
        INVOICE,
        SECOND_INVOICE,
        SCHEDULE,
        """
2025-03-06 * "Summit" "Schedule 2" ^INV-2
  factoring: "schedule"
  schedule: "2"

2025-03-11 * "SUMMIT FUNDING" "ACH deposit" ^INV-2
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing
""",
    ),
    "FCT163": ledger(
        """
2025-03-01 * "SUMMIT FUNDING" "Fuel advance load 1"
  factoring: "fuel-advance"
  load: "L-1"
  Assets:Bank:Checking          300.00 USD
""",
        config="{'as-of': '2025-06-10'}",
    ),
    "FCT170": ledger(
        INVOICE,
        SCHEDULE
        + "  Assets:Factoring:Summit:Clearing   1000.00 USD\n"
        + "  Assets:Receivable:TQL             -1000.00 USD\n"
        + "    advance: 950.00 USD\n"
        + "    fee: 25.00 USD\n"
        + "    reserve: 50.00 USD\n",
    ),
    "FCT180": ledger(
        """
2025-03-01 * "SUMMIT FUNDING" "Fuel advance load 1"
  factoring: "fuel-advance"
  load: "L-1"
  Assets:Bank:Checking          500.00 USD
""",
        INVOICE.replace('invoice: "INV-1"', 'invoice: "INV-1"\n  load: "L-1"'),
        agreement=AGREEMENT.replace(
            "recourse-days: 90", "recourse-days: 90\n  fuel-advance-rate: 0.40"
        ),
    ),
    "FCT190": ledger(
        INVOICE,
        FUNDING,
        """
2025-04-01 * "Summit" "Minimum volume fee, March"
  factoring: "fee"
  charge: "minimum-volume"
  amount: 100.00 USD
""",
        agreement=AGREEMENT.replace(
            "recourse-days: 90",
            "recourse-days: 90\n"
            "  monthly-minimum-volume: 10000.00 USD\n"
            '  volume-shortfall-fee: "1%"',
        ),
    ),
    # A bank line imported as it is, with a tag in its description.
    "FCT191": ledger(
        INVOICE,
        """
2025-03-05 ! "ACME <img src=x onerror=alert(1)> PAYROLL"
  Assets:Bank:Checking         -96.44 USD
  Income:Freight
""",
    ),
    # The importers.
    "FCT200": extracting(
        lambda: BankCsvImporter(
            "Assets:Bank:Checking",
            date="Date",
            narration="Description",
            amount="Amount",
            factors="main.beancount",
        ),
        "checking.csv",
        BANK_HEADER + "03/04/2025,SUMMIT FUNDING ACH,930.00\n",
    ),
    "FCT201": extracting(
        bank(), "checking.csv", (BANK_HEADER + "03/04/2025,Café Nord,-12.50\n").encode("cp1252")
    ),
    "FCT202": extracting(bank(), "checking.csv", ""),
    "FCT203": extracting(bank(), "checking.csv", "Date,Description,Value\n03/04/2025,Fee,-5\n"),
    "FCT204": extracting(
        bank(), "checking.csv", BANK_HEADER + "03/04/2025,SUMMIT FUNDING ACH,930.00\n03/05/2025\n"
    ),
    "FCT205": extracting(
        bank(debit="Debit", credit="Credit", amount=None),
        "checking.csv",
        "Date,Description,Debit,Credit\n03/04/2025,Wire fee,,\n",
    ),
    "FCT206": extracting(bank(), "checking.csv", BANK_HEADER + "02/30/2025,Wire fee,-25.00\n"),
    "FCT207": extracting(bank(), "checking.csv", BANK_HEADER + "03/04/2025,Wire fee,-2S.00\n"),
    "FCT208": extracting(
        invoices(), "invoices.csv", INVOICE_HEADER + "INV 1001,03/03/2025,TQL,LINEHAUL,1000.00\n"
    ),
    "FCT209": extracting(
        invoices(), "invoices.csv", INVOICE_HEADER + "INV-1001,03/03/2025,TQL,TONU,150.00\n"
    ),
    "FCT210": extracting(
        invoices(),
        "invoices.csv",
        INVOICE_HEADER
        + "INV-1001,03/03/2025,TQL,LINEHAUL,1000.00\n"
        + "INV-1001,03/04/2025,TQL,FSC,120.00\n",
    ),
    "FCT211": extracting(
        collections, "collections.csv", "Invoice,Paid On,Paid\nINV-1001,03/20/2025,-1000.00\n"
    ),
    # The Fava pages.
    "FCT300": fava_config("{'aging-basis': 'weekly'}"),
    "FCT301": fava_page("basis=weekly"),
    "FCT302": fava_page("factor=Nobody"),
    # bean-factoring.
    "FCT310": command("reserve", "missing.beancount"),
    "FCT311": command("reserve", "ledger.beancount", "--factor", "Nobody"),
    "FCT312": command("reserve", "ledger.beancount", "--as-of", "31.03.2025"),
    "FCT313": command("reserve", "ledger.beancount", "--format", "xml"),
    # An offer with a key the plugin does not know: the ledger has an error (FCT110).
    "FCT314": command("reserve", "ledger.beancount", body=INVOICE + BAD_OFFER),
    "FCT315": command("reserve", "ledger.beancount", plugin=False),
    "FCT316": command(
        "cost", "ledger.beancount", "--start", "2025-05-01", "--as-of", "2025-04-30"
    ),
    "FCT317": command("compare", "ledger.beancount", "--offer", "Redwood"),
    # An invoice of 10**39: the plugin refuses it (FCT134), the aging report cannot add it.
    "FCT318": command(
        "aging",
        "ledger.beancount",
        "--ignore-errors",
        body=INVOICE.replace(
            "1000.00 USD\n  Income:Freight\n",
            f"1{'0' * 39}.00 USD\n  Income:Freight  -1{'0' * 39}.00 USD\n",
        ),
    ),
}


def given(message: str) -> str | None:
    found = _GIVEN.search(message)
    return found[1] if found else None


# The documentation ----------------------------------------------------------------------


@dataclass
class Section:
    line: int
    level: int
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def sections() -> dict[str, list[Section]]:
    """The sections of docs/errors.md headed by a code, by code."""
    found: dict[str, list[Section]] = {}
    current: Section | None = None
    for number, line in enumerate(ERRORS_MD.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#"):
            current = None
            heading = _SECTION.match(line)
            if heading:
                current = Section(number, len(heading[1]))
                found.setdefault(heading[2], []).append(current)
        elif current is not None:
            current.lines.append(line)
    return found


def test_the_tables_are_apart_and_each_in_its_range() -> None:
    seen: dict[str, str] = {}
    for kind, table in TABLES.items():
        for code, meaning in table.items():
            assert re.fullmatch(RANGES[kind], code), f"{code} is not in the {kind} range"
            assert code not in seen, f"{code} is in both the {seen[code]} and {kind} tables"
            assert meaning.strip(), code
            seen[code] = kind
    assert seen.keys() == ALL_CODES.keys()


def test_the_plugin_config_disables_plugin_codes_only() -> None:
    messages = ledger(INVOICE, config="{'disable': ['FCT207', 'FCT120']}")(Path())
    assert [given(message) for message in messages] == ["FCT100"]
    assert "FCT207" in messages[0]


@pytest.mark.parametrize("code", sorted(ALL_CODES))
def test_the_code_has_one_section(code: str) -> None:
    found = sections().get(code, [])
    level = 2 if code in CODES else 3
    heading = f"{'#' * level} {code}: ..."
    assert found, f"{code} has no section in docs/errors.md: add one headed {heading}"
    assert len(found) == 1, f"{code} has sections at lines {[s.line for s in found]}"
    assert found[0].level == level, f"docs/errors.md:{found[0].line}: head it {heading}"


def test_every_section_is_of_a_code_in_the_tables() -> None:
    unknown = {code: [s.line for s in found] for code, found in sections().items()}
    unknown = {code: lines for code, lines in unknown.items() if code not in ALL_CODES}
    assert unknown == {}, "sections of docs/errors.md for codes no table of errors.py has"


# The inputs give their codes ------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(ALL_CODES))
def test_an_input_gives_the_code(code: str, tmp_path: Path, monkeypatch: Any) -> None:
    run = CASES.get(code)
    assert run is not None, (
        f"{code} has no input in CASES (tests/test_error_catalogue.py): add a minimal one "
        "that gives it"
    )
    monkeypatch.chdir(tmp_path)  # the importers and the CLI name files as given
    messages = run(tmp_path)
    assert messages, f"the input of {code} gives no error"
    assert [given(message) for message in messages] == [code] * len(messages), messages
    if code not in CODES:  # the plugin's sections run their own ledgers (test_docs.py)
        found = sections().get(code)
        assert found, f"{code} has no section in docs/errors.md"
        for message in messages:
            assert message in found[0].text, (
                f"the section of {code} (docs/errors.md:{found[0].line}) should show {message}"
            )


def test_every_input_is_of_a_code_in_the_tables() -> None:
    assert sorted(set(CASES) - set(ALL_CODES)) == []


# The source gives every code, and only codes of the tables ------------------------------

# The functions that make an error, where each takes its code (a position, or only by
# name: None) and the table the code comes from.
EMITTERS: dict[str, tuple[int | None, dict[str, str]]] = {
    "make_error": (0, CODES),
    "ImportFailure": (None, IMPORTER_CODES),
    "fail": (None, IMPORTER_CODES),  # Table.fail, Report.fail, Row.fail
    "ConfigError": (0, FAVA_CODES),
    "ParameterError": (0, FAVA_CODES),
    "_stop": (0, CLI_CODES),
    "coded": (0, {**IMPORTER_CODES, **FAVA_CODES, **CLI_CODES}),
}
# Errors that go out with whatever text they are made with: each must be made by
# make_error, or from a coded() message.
RAW = ("FactoringError", "BadRequest", "ArgumentTypeError")


def source_files() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


def name_of(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The parameters a caller gives by position, then those it gives by name only."""
    args = function.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    if positional[:1] in (["self"], ["cls"]):
        positional = positional[1:]
    return positional + [a.arg for a in args.kwonlyargs]


def code_argument(call: ast.Call, position: int | None, name: str = "code") -> ast.expr | None:
    """The argument a call gives its code in, if any."""
    if position is not None and len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == name), None)


def walk_with_functions(
    tree: ast.AST,
) -> Iterator[tuple[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef | None]]:
    """Every node, with the innermost function it is in."""

    def visit(node: ast.AST, function: Any) -> Iterator[tuple[ast.AST, Any]]:
        yield node, function
        inner = node if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else function
        for child in ast.iter_child_nodes(node):
            yield from visit(child, inner)

    return visit(tree, None)


def problems_in(path: Path) -> list[str]:
    """Each place in a module that makes an error without a known code of its table."""
    where = path.relative_to(ROOT)
    found = []
    for node, function in walk_with_functions(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            code = _LITERAL.match(node.value)
            if code and code[1] not in ALL_CODES:
                found.append(f"{where}:{node.lineno}: {code[1]} is in no table of errors.py")
        if not isinstance(node, ast.Call):
            continue
        name = name_of(node)
        if name in EMITTERS:
            position, table = EMITTERS[name]
            argument = code_argument(node, position)
            own = parameters(function) if function is not None else []
            if argument is None:
                found.append(f"{where}:{node.lineno}: {name}() is given no code")
            elif isinstance(argument, ast.Constant):
                if argument.value not in table:
                    found.append(
                        f"{where}:{node.lineno}: {argument.value!r} is not a code {name}() gives"
                    )
            elif not (isinstance(argument, ast.Name) and argument.id in own):
                # A wrapper hands on its own parameter; its callers are checked in turn.
                found.append(f"{where}:{node.lineno}: give {name}() its code as a literal")
        elif name in RAW:
            made_by_emitter = function is not None and function.name == "make_error"
            from_coded = any(
                isinstance(arg, ast.Call) and name_of(arg) == "coded" for arg in node.args
            )
            if not (made_by_emitter or from_coded):
                found.append(f"{where}:{node.lineno}: {name}() made without a code (coded())")
    return found


def files_to_scan() -> list[Any]:
    return [pytest.param(path, id=str(path.relative_to(SOURCE))) for path in source_files()]


@pytest.mark.parametrize("path", files_to_scan())
def test_every_error_made_in_the_module_has_a_known_code(path: Path) -> None:
    assert problems_in(path) == []


@functools.cache
def given_in_source() -> dict[str, list[str]]:
    """Each code the source gives, with where.

    A code counts where it is given to a function that makes an error, or to a wrapper
    of one (a function that hands a parameter on as the code: the plugin's
    `Settler.error`, say), directly or through a variable it was just set to.
    """
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in source_files()}
    takes: dict[str, tuple[int | None, str]] = {
        name: (position, "code") for name, (position, _) in EMITTERS.items()
    }
    grown = True
    while grown:
        grown = False
        for tree in trees.values():
            for node, function in walk_with_functions(tree):
                if function is None or function.name in takes or not isinstance(node, ast.Call):
                    continue
                name = name_of(node)
                if name not in takes:
                    continue
                argument = code_argument(node, *takes[name])
                own = parameters(function)
                if isinstance(argument, ast.Name) and argument.id in own:
                    index = own.index(argument.id)
                    positional = len(own) - len(function.args.kwonlyargs)
                    takes[function.name] = (index if index < positional else None, argument.id)
                    grown = True
    found: dict[str, list[str]] = {}
    for path, tree in trees.items():
        for node, function in walk_with_functions(tree):
            if not isinstance(node, ast.Call) or name_of(node) not in takes:
                continue
            argument = code_argument(node, *takes[name_of(node)])  # type: ignore[index]
            values: list[object] = []
            if isinstance(argument, ast.Constant):
                values = [argument.value]
            elif isinstance(argument, ast.Name) and function is not None:
                values = [
                    value.value
                    for assign in ast.walk(function)
                    if isinstance(assign, ast.Assign)
                    and any(
                        isinstance(t, ast.Name) and t.id == argument.id for t in assign.targets
                    )
                    for value in ast.walk(assign.value)
                    if isinstance(value, ast.Constant)
                ]
            for value in values:
                if isinstance(value, str) and _CODE.fullmatch(value):
                    found.setdefault(value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


@pytest.mark.parametrize("code", sorted(ALL_CODES))
def test_the_source_gives_the_code(code: str) -> None:
    assert code in given_in_source(), (
        f"{code} is in a table of beancount_factoring/errors.py, but nothing in "
        "beancount_factoring/ gives it"
    )
