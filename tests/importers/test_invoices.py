"""The invoice export importer: goldens, grouping rows, VAT, credit notes and bad files."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from bank_config import DOCUMENTS, INVOICE_DOCS, tms_invoices
from beancount import loader
from beancount.core import data
from beangulp import testing
from click.testing import CliRunner

from beancount_factoring.importers.base import ID_KEY, ImportFailure
from beancount_factoring.importers.ingest import ingest
from beancount_factoring.importers.invoices import InvoiceImporter

DOCS = [doc for doc in DOCUMENTS if doc.parent == INVOICE_DOCS]
TMS = INVOICE_DOCS / "ridgeline_tms_invoices_2025-02.csv"
HEADER = "Invoice #,Invoice Date,Due Date,Customer,Load #,Charge,Amount"


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_golden(doc: Path) -> None:
    importer = DOCUMENTS[doc]()
    assert importer.identify(str(doc))
    account, date, name, entries = testing.run_importer(importer, str(doc))
    diff = testing.compare_expected(f"{doc}.beancount", account, date, name, entries)
    assert not diff, "".join(diff)


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_beangulp_harness(doc: Path) -> None:
    result = CliRunner().invoke(testing.wrap(DOCUMENTS[doc]()), ["test", str(doc)])
    assert result.exit_code == 0, result.output


def write(tmp_path: Path, *rows: str, header: str = HEADER, encoding: str = "utf-8") -> str:
    path = tmp_path / "invoices.csv"
    path.write_bytes(("\n".join((header, *rows)) + "\n").encode(encoding))
    return str(path)


def legs(entry: data.Transaction) -> list[tuple[str, Decimal]]:
    return [(p.account, p.units.number) for p in entry.postings]


class TestInvoices:
    def test_rows_of_one_invoice_anywhere_in_the_file(self) -> None:
        entries = {e.meta["invoice"]: e for e in tms_invoices().extract(str(TMS), [])}
        assert len(entries) == 10
        assert legs(entries["RF-2002"]) == [
            ("Assets:Receivable:Crossroads", Decimal("2805.00")),
            ("Income:Freight:Linehaul", Decimal("-2240.00")),
            ("Income:Freight:FuelSurcharge", Decimal("-380.00")),
            ("Income:Freight:Lumper", Decimal("-185.00")),
        ]

    def test_the_invoice_the_plugin_reads(self, tmp_path: Path) -> None:
        (entry,) = InvoiceImporter(customers={"TQL": "TQL"}).extract(
            write(tmp_path, "INV-1001,03/03/2025,04/02/2025,TQL,TQL-88412,Linehaul,2150.00"), []
        )
        assert entry.meta["invoice"] == "INV-1001"
        assert entry.meta["due"] == datetime.date(2025, 4, 2)
        assert entry.meta["load"] == "TQL-88412"
        text = 'plugin "beancount_factoring.plugin"\n'
        text += "2025-01-01 open Assets:Receivable:TQL\n2025-01-01 open Income:Freight:Linehaul\n"
        from beancount.parser import printer

        entries, errors, _ = loader.load_string(text + printer.format_entry(entry))
        assert errors == []
        (invoice,) = [e for e in entries if isinstance(e, data.Transaction)]
        assert invoice.links == {"INV-1001"}

    def test_an_invoice_links_its_own_number(self, tmp_path: Path) -> None:
        # The link is written so the plugin need not copy the entry to add it; a credit
        # note (total -50.00) names no link of its own.
        path = write(
            tmp_path,
            "INV-1001,03/03/2025,04/02/2025,TQL,TQL-1,Linehaul,2150.00",
            "INV/1002.A,03/04/2025,04/03/2025,TQL,TQL-2,Linehaul,900.00",
            "CN-7,03/05/2025,04/04/2025,TQL,TQL-3,Linehaul,-50.00",
        )
        entries = InvoiceImporter(customers={"TQL": "TQL"}).extract(path, [])
        links = {e.meta.get("invoice") or e.meta["credit-note"]: e.links for e in entries}
        assert links == {"INV-1001": {"INV-1001"}, "INV/1002.A": {"INV/1002.A"}, "CN-7": set()}
        from beancount.parser import printer

        text = "2025-01-01 open Assets:Receivable:TQL\n2025-01-01 open Income:Freight:Linehaul\n"
        text += "".join(printer.format_entry(entry) for entry in entries)
        reread, errors, _ = loader.load_string(text)
        assert errors == []
        assert [e.links for e in reread if isinstance(e, data.Transaction)] == [
            {"INV-1001"},
            {"INV/1002.A"},
            set(),
        ]

    def test_continuation_rows_leave_the_invoice_fields_blank(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "RF-1,03/03/2025,04/02/2025,Bayline Logistics,BL-1,LINEHAUL,1000.00",
            ",,,,,FSC,120.00",
            ",,,,,Detention,75.00",
            "RF-2,03/04/2025,,Bayline Logistics,,LINEHAUL,500.00",
        )
        first, second = InvoiceImporter(terms_days=30).extract(path, [])
        assert first.postings[0] == data.Posting(
            "Assets:Receivable:BaylineLogistics",
            data.Amount(Decimal("1195.00"), "USD"),
            None,
            None,
            None,
            None,
        )
        assert second.meta["due"] == datetime.date(2025, 4, 3)
        assert "load" not in second.meta
        assert second.narration == "Invoice RF-2"

    def test_other_income_and_credit_notes(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            "RF-1,03/03/2025,,Bayline Logistics,BL-1,TONU,200.00",
            "CN-7,03/05/2025,,Bayline Logistics,BL-1,LINEHAUL,-150.00",
        )
        importer = InvoiceImporter(other_income="Income:Freight:Other")
        invoice, credit = importer.extract(path, [])
        assert legs(invoice)[1] == ("Income:Freight:Other", Decimal("-200.00"))
        assert credit.flag == "!"
        assert "invoice" not in credit.meta and credit.meta["credit-note"] == "CN-7"

    def test_ids_are_the_invoice_numbers(self, tmp_path: Path) -> None:
        one = write(tmp_path, "RF-1,03/03/2025,,Bayline,BL-1,LINEHAUL,200.00")
        (first,) = InvoiceImporter().extract(one, [])
        two = write(tmp_path, "RF-1,03/03/2025,,Bayline,BL-1,LINEHAUL,250.00")
        (again,) = InvoiceImporter().extract(two, [])
        assert first.meta[ID_KEY] == again.meta[ID_KEY]

    def test_invoices_booked_by_hand_are_duplicates(self) -> None:
        ledger, _, _ = loader.load_string(
            """
            2025-02-03 * "Northstar Logistics" "Typed in by hand"
              invoice: "RF-2001"
              Assets:Receivable:Northstar   2150.00 USD
              Income:Freight:Linehaul
            """,
            dedent=True,
        )
        importer = tms_invoices()
        entries = importer.extract(str(TMS), ledger)
        importer.deduplicate(entries, ledger)
        duplicates = [e.meta["invoice"] for e in entries if "__duplicate__" in e.meta]
        assert duplicates == ["RF-2001"]

    @pytest.mark.parametrize(
        "typed",
        [
            "^RF-2001\n  Assets:Receivable:Northstar   2150.00 USD",
            '\n  Assets:Receivable:Northstar   2150.00 USD\n    invoice: "RF-2001"',
        ],
        ids=["link", "posting-key"],
    )
    def test_an_invoice_typed_without_its_key_is_a_probable_duplicate(self, typed: str) -> None:
        # RF-2001 typed with its link (or the key on its posting) but no entry-level
        # invoice: key: imported again, the revenue was doubled with no error.
        text = '2025-02-03 * "Northstar Logistics" "Typed in by hand" ' + typed
        text += "\n  Income:Freight:Linehaul\n"
        ledger, _, _ = loader.load_string(text)
        importer = tms_invoices()
        entries = importer.extract(str(TMS), ledger)
        importer.deduplicate(entries, ledger)
        (duplicate,) = [e for e in entries if "__duplicate__" in e.meta]
        assert duplicate.meta["invoice"] == "RF-2001"
        assert "without its invoice: key" in duplicate.meta["probable-duplicate"]
        # Typed at 2,000.00 and re-billed at 2,150.00: the same invoice, the note says so.
        ledger, _, _ = loader.load_string(text.replace("2150.00", "2000.00"))
        entries = importer.extract(str(TMS), ledger)
        importer.deduplicate(entries, ledger)
        (duplicate,) = [e for e in entries if "__duplicate__" in e.meta]
        assert "(booked 2000.00, 2150.00 here)" in duplicate.meta["probable-duplicate"]
        # Typed with a prepayment applied in the same entry: the debit is what was booked.
        prepaid = text.replace("2150.00", "2000.00").replace(
            "  Income:Freight:Linehaul\n",
            "  Income:Freight:Linehaul   -2000.00 USD\n"
            "  Assets:Receivable:Northstar   -500.00 USD\n  Assets:Bank:Checking  500.00 USD\n",
        )
        ledger, _, _ = loader.load_string(prepaid)
        entries = importer.extract(str(TMS), ledger)
        importer.deduplicate(entries, ledger)
        (duplicate,) = [e for e in entries if "__duplicate__" in e.meta]
        assert "(booked 2000.00, 2150.00 here)" in duplicate.meta["probable-duplicate"]
        # Open when the books started, against opening balances: the same invoice.
        opening = text.replace("Income:Freight:Linehaul", "Equity:Opening-Balances")
        ledger, _, _ = loader.load_string(opening)
        entries = importer.extract(str(TMS), ledger)
        importer.deduplicate(entries, ledger)
        assert [e.meta["invoice"] for e in entries if "__duplicate__" in e.meta] == ["RF-2001"]
        # A refund owed to the customer, linking the number: no invoice.
        refund = text.replace("Income:Freight:Linehaul", "Liabilities:CustomerCredit")
        ledger, _, _ = loader.load_string(refund)
        entries = importer.extract(str(TMS), ledger)
        importer.deduplicate(entries, ledger)
        assert [e for e in entries if "__duplicate__" in e.meta] == []
        # A check returned unpaid debits the receivable too, against the bank: no invoice.
        bounced = text.replace("Income:Freight:Linehaul", "Assets:Bank:Checking  -2150.00 USD")
        ledger, _, _ = loader.load_string(bounced)
        entries = importer.extract(str(TMS), ledger)
        importer.deduplicate(entries, ledger)
        assert [e for e in entries if "__duplicate__" in e.meta] == []

    @pytest.mark.parametrize(
        ("booked", "note"),
        [
            # The same invoice: a duplicate, and nothing to say.
            ('invoice: "RF-2001"\n  Assets:Receivable:Northstar   2150.00 USD', None),
            # Its number typed in another case: still the same invoice, not a second one.
            (
                'invoice: "rf-2001"\n  Assets:Receivable:Northstar   2150.00 USD',
                "number RF-2001 here, rf-2001 in the ledger",
            ),
            # Re-billed since it was booked: the note says what changed.
            (
                'invoice: "RF-2001"\n  Assets:Receivable:Northstar   2050.00 USD',
                "2150.00 USD here, 2050.00 in the ledger",
            ),
            (
                'invoice: "RF-2001"\n  Assets:Receivable:Crossroads   2150.00 USD',
                "Assets:Receivable:Northstar here, another account in the ledger",
            ),
        ],
    )
    def test_a_booked_invoice_is_a_duplicate_that_says_what_differs(
        self, booked: str, note: str | None
    ) -> None:
        ledger, _, _ = loader.load_string(
            f'2025-02-03 * "Northstar Logistics" "Typed in by hand"\n  {booked}\n'
            "  Income:Freight:Linehaul\n"
        )
        importer = tms_invoices()
        entries = importer.extract(str(TMS), ledger)
        importer.deduplicate(entries, ledger)
        (entry,) = [e for e in entries if "__duplicate__" in e.meta]
        assert entry.meta["invoice"] == "RF-2001"
        differs = entry.meta.get("differs-from-ledger")
        if note is None:
            assert differs is None
        else:
            assert note in differs and "correct the booked invoice" in differs
            assert "(booked at <string>:1)" in differs

    def test_a_credit_note_typed_by_hand_is_not_imported_again(self, tmp_path: Path) -> None:
        # CM-501 (-200.00) booked by hand with its credit-note: key, as the importer
        # writes one: it was imported a second time, the customer credited twice.
        path = write(tmp_path, "CM-501,04/05/2025,,Bayline,BL-9,LINEHAUL,-200.00")
        ledger, _, _ = loader.load_string(
            '2025-04-05 ! "Bayline" "Credit, typed in"\n  credit-note: "CM-501"\n'
            "  Assets:Receivable:Bayline   -200.00 USD\n  Income:Freight:Linehaul\n"
        )
        importer = InvoiceImporter()
        entries = importer.extract(path, ledger)
        importer.deduplicate(entries, ledger)
        (entry,) = entries
        assert entry.meta["__duplicate__"] is ledger[0]

    def test_an_invoice_the_export_cancelled_since_says_so(self, tmp_path: Path) -> None:
        # RF-1 was booked at 1,000.00 from an earlier export; it now nets to 0.00 (a void
        # line of -1,000.00): the same id, a duplicate, and it said nothing.
        importer = InvoiceImporter()
        first = importer.extract(write(tmp_path, GOOD), [])
        path = write(tmp_path, GOOD, ",,,,,LINEHAUL,-1000.00")
        entries = importer.extract(path, first)
        importer.deduplicate(entries, first)
        (entry,) = entries
        assert entry.meta["__duplicate__"] is first[0]
        note = entry.meta["differs-from-ledger"]
        # (It nets to nothing: no credit note, an invoice of 0.00 the export voided.)
        assert note.startswith("an invoice of 0.00 USD here, invoice RF-1 in the ledger")
        assert "voided it since" in note

    def test_one_number_in_two_cases_in_one_file_is_refused(self, tmp_path: Path) -> None:
        # RF-1028 and rf-1028 would be two invoices, 2,640.00 and 100.00, without a word.
        path = write(
            tmp_path,
            "RF-1028,03/03/2025,04/02/2025,Bayline,BL-1,LINEHAUL,2640.00",
            "rf-1028,03/03/2025,04/02/2025,Bayline,BL-1,FSC,100.00",
        )
        error = failure(InvoiceImporter(), path)
        assert (error.line, error.column, error.code) == (3, "Invoice #", "FCT210")
        assert "invoice rf-1028 is RF-1028 on line 2" in error.detail

    def test_protocol(self) -> None:
        importer = tms_invoices()
        assert importer.account(str(TMS)) == "Assets:Receivable"
        assert importer.date(str(TMS)) == datetime.date(2025, 2, 20)
        assert importer.filename(str(TMS)) == "invoices.csv"

    def test_configuration_mistakes(self) -> None:
        with pytest.raises(ValueError, match="not a valid account"):
            InvoiceImporter(income={"linehaul": "Freight"})
        with pytest.raises(ValueError, match="charge"):
            InvoiceImporter(charge=None)


def failure(importer: InvoiceImporter, path: str) -> ImportFailure:
    with pytest.raises(ImportFailure) as caught:
        importer.extract(path, [])
    assert caught.value.filename == path
    assert str(caught.value).startswith(path)
    return caught.value


GOOD = "RF-1,03/03/2025,04/02/2025,Bayline,BL-1,LINEHAUL,1000.00"


class TestMalformed:
    @pytest.mark.parametrize(
        ("row", "line", "column", "code"),
        [
            ("RF-2,03/33/2025,,Bayline,BL-2,LINEHAUL,10.00", 3, "Invoice Date", "FCT206"),
            ("RF-2,03/03/2025,2025-04-02,Bayline,BL-2,LINEHAUL,10.00", 3, "Due Date", "FCT206"),
            ("RF-2,03/03/2025,,Bayline,BL-2,LINEHAUL,ten", 3, "Amount", "FCT207"),
            ("RF-2,03/03/2025,,Bayline,BL-2,LINEHAUL,", 3, "Amount", "FCT205"),
            ("RF-2,03/03/2025,,Bayline,BL-2,TONU,10.00", 3, "Charge", "FCT209"),
            ("RF 2,03/03/2025,,Bayline,BL-2,LINEHAUL,10.00", 3, "Invoice #", "FCT208"),
            ("RF-1,03/04/2025,,Bayline,BL-1,FSC,10.00", 3, "Invoice Date", "FCT210"),
            ("RF-1,,,Crossroads,,FSC,10.00", 3, "Customer", "FCT210"),
            ("RF-2,03/03/2025,,Bayline,BL-2", 3, "Charge", "FCT204"),
            # 2,480.00 not in quotes: read as 2 and a field past the header (column 8).
            ("RF-2,03/03/2025,,Bayline,BL-2,LINEHAUL,2,480.00", 3, 8, "FCT204"),
            ("RF-2,,,Bayline,BL-2,LINEHAUL,10.00", 3, "Invoice Date", "FCT205"),
            ("RF-2,03/03/2025,,%%%,BL-2,LINEHAUL,10.00", 3, "Customer", "FCT208"),
        ],
    )
    def test_bad_row(
        self, tmp_path: Path, row: str, line: int, column: str | int, code: str
    ) -> None:
        error = failure(InvoiceImporter(), write(tmp_path, GOOD, row))
        assert (error.line, error.column, error.code) == (line, column, code)

    def test_empty_fields_past_the_header_are_read(self, tmp_path: Path) -> None:
        # A trailing comma (an export that ends every row with one): nothing moved.
        (entry,) = InvoiceImporter().extract(write(tmp_path, GOOD + ",,"), [])
        assert legs(entry)[0][1] == Decimal("1000.00")

    def test_a_charge_that_names_a_total_is_still_a_charge(self, tmp_path: Path) -> None:
        # "Detention total" is a charge (other_income takes it); "Invoice total" is not.
        rows = (GOOD, ",,,,,Detention total,50.00")
        importer = InvoiceImporter(other_income="Income:Freight:Other")
        (entry,) = importer.extract(write(tmp_path, *rows), [])
        assert legs(entry)[0] == ("Assets:Receivable:Bayline", Decimal("1050.00"))

    def test_a_subtotal_in_the_charge_column_is_no_charge(self, tmp_path: Path) -> None:
        # RF-1's own subtotal under Charge: other_income took it for a charge of 1,000.00
        # more, and RF-1 came to 2,000.00 with no error.
        rows = (GOOD, ",,,,,Invoice total,1000.00", "RF-2,03/03/2025,,Bayline,BL-2,LINEHAUL,5.00")
        importer = InvoiceImporter(other_income="Income:Freight:Other")
        error = failure(importer, write(tmp_path, *rows))
        assert (error.line, error.column, error.code) == (3, "Charge", "FCT210")
        assert "delete every totals or subtotals row" in error.detail

    @pytest.mark.parametrize("column", ["Curr.", "Invoice Currency", "Währung"])
    def test_a_currency_column_headed_otherwise_is_read(self, tmp_path: Path, column: str) -> None:
        # A row in CAD under a column headed "Curr.": only "Currency" and a few exact keys
        # were known, and the 1,000.00 CAD was booked as 1,000.00 USD with no error.
        row = "RF-2,03/03/2025,,Maple,BL-2,LINEHAUL,1000.00,CAD"
        path = write(tmp_path, GOOD + ",USD", row, header=HEADER + f",{column}")
        error = failure(InvoiceImporter(), path)
        assert (error.line, error.column, error.code) == (3, column, "FCT209")
        # A value date or a balance is no currency column: the file reads.
        for other in ("Current Balance", "Currency Rate", "Valuta", "Cur. Balance"):
            path = write(tmp_path, GOOD + ",1", header=HEADER + f",{other}")
            assert len(InvoiceImporter().extract(path, [])) == 1, other

    def test_a_totals_row_is_not_more_of_the_invoice_above(self, tmp_path: Path) -> None:
        # RF-1 1,000.00 + RF-2 500.00 = 1,500.00: the row without a number that gives it
        # is the export's total. Read as an item (other_income takes any charge code),
        # RF-2 would have been 2,000.00.
        rows = (GOOD, "RF-2,03/03/2025,,Bayline,BL-2,LINEHAUL,500.00", ",,,,,,1500.00")
        importer = InvoiceImporter(other_income="Income:Freight:Other")
        error = failure(importer, write(tmp_path, *rows))
        assert (error.line, error.column, error.code) == (4, "Invoice #", "FCT210")
        assert "a totals row, which would be added to invoice RF-2" in error.detail
        # A row of RF-2 without its number that is not the total is still RF-2's:
        # 500.00 + 50.00 = 550.00.
        rows = (*rows[:2], ",,,,,FSC,50.00")
        entries = importer.extract(write(tmp_path, *rows), [])
        assert legs(entries[1])[0] == ("Assets:Receivable:Bayline", Decimal("550.00"))

    def test_a_subtotal_of_the_invoice_above_or_of_a_later_group(self, tmp_path: Path) -> None:
        # An export with a subtotal under each invoice: RF-2's 500.00 + 50.00 = 550.00 was
        # read as one more item (the file's sums so far are 1,550.00): RF-2 was 1,100.00
        # in silence. It is FCT210 now, on its line.
        importer = InvoiceImporter(other_income="Income:Freight:Other")
        rf2 = ("RF-2,03/03/2025,,Bayline,BL-2,LINEHAUL,500.00", ",,,,,FSC,50.00")
        error = failure(importer, write(tmp_path, GOOD, *rf2, ",,,,,,550.00"))
        assert (error.line, error.column, error.code) == (5, "Invoice #", "FCT210")
        assert "would be added to invoice RF-2" in error.detail
        # RF-1's subtotal, 1,000.00, sums its one row: with a charge code it would be as
        # much an item as a subtotal, but it has none (other_income would take it), so
        # it was read as an item of RF-1 in silence (2,000.00). It is FCT210 too.
        error = failure(importer, write(tmp_path, GOOD, ",,,,,,1000.00", *rf2))
        assert (error.line, error.column, error.code) == (3, "Invoice #", "FCT210")
        assert "would be added to invoice RF-1" in error.detail
        # A subtotal of a later group of invoices: RF-2 500.00 + RF-3 300.00 = 800.00, the
        # rows since the row without a number above (an item of RF-1, fuel 50.00; the
        # file's sums: 1,850.00).
        rf3 = "RF-3,03/03/2025,,Bayline,BL-3,LINEHAUL,300.00"
        rows = (GOOD, ",,,,,FSC,50.00", rf2[0], rf3, ",,,,,,800.00")
        error = failure(importer, write(tmp_path, *rows))
        assert (error.line, error.code) == (6, "FCT210")
        assert "would be added to invoice RF-3" in error.detail
        # Another item of RF-3 of another amount is still RF-3's: 300.00 + 80.00.
        entries = importer.extract(write(tmp_path, *rows[:4], ",,,,,FSC,80.00"), [])
        assert legs(entries[-1])[0] == ("Assets:Receivable:Bayline", Decimal("380.00"))

    @pytest.mark.parametrize(
        "row",
        [
            ",,,,,,1000.00,Invoice total",  # the label under Description, one-row invoice
            "RF-1,,,,,,1000.00,Invoice Total",  # with the invoice's number again
            ",,,,,,1190.00,Total incl. VAT",
            ",,,,,Sub Total,1000.00,",  # the label as a charge code
            ",,,,,Balance Due,1000.00,",
            ",,,,,TOTAL USD,1000.00,",
        ],
    )
    def test_a_totals_row_labelled_otherwise_is_not_an_item(
        self, tmp_path: Path, row: str
    ) -> None:
        # With other_income, such a row was one more item: RF-1 at 2,000.00 in silence.
        header = HEADER + ",Description"
        importer = InvoiceImporter(other_income="Income:Freight:Other", description="Description")
        error = failure(importer, write(tmp_path, GOOD + ",Lane A", row, header=header))
        assert (error.line, error.code) == (3, "FCT210")
        assert "is a line of totals" in error.detail
        # A row with its charge code is that charge, whatever its description says.
        entries = importer.extract(
            write(tmp_path, GOOD + ",Lane A", ",,,,,FSC,120.00,Total FSC", header=header), []
        )
        assert legs(entries[0])[0] == ("Assets:Receivable:Bayline", Decimal("1120.00"))
        # "Detention total" is a charge like any other.
        entries = importer.extract(
            write(
                tmp_path, GOOD + ",Lane A", ",,,,,DETENTION,75.00,Detention total", header=header
            ),
            [],
        )
        assert legs(entries[0])[0] == ("Assets:Receivable:Bayline", Decimal("1075.00"))

    def test_a_totals_row_of_the_vat_column_alone(self, tmp_path: Path) -> None:
        # 198.65 + 152.00 = 350.65 under VAT alone: it was added to R-2 as more VAT.
        importer = InvoiceImporter(
            charges={"Freight": "Income:Freight:Linehaul"},
            invoice="Invoice",
            date="Date",
            customer="Customer",
            due=None,
            load=None,
            charge=None,
            amount=None,
            vat="VAT",
            terms_days=30,
        )
        header = "Invoice,Date,Customer,Freight,VAT"
        rows = ("R-1,04/01/2025,Hanse,1045.50,198.65", "R-2,04/02/2025,Hanse,800.00,152.00")
        error = failure(importer, write(tmp_path, *rows, ",,,,350.65", header=header))
        assert (error.line, error.code) == (4, "FCT210")

    def test_a_totals_row_of_charge_columns(self, tmp_path: Path) -> None:
        # One row per invoice, a column per charge, decimal commas: the last row is
        # 1.200,00 + 800,00 = 2.000,00 of freight and 45,50 of tolls.
        importer = InvoiceImporter(
            charges={"Fracht": "Income:Freight:Linehaul", "Maut": "Income:Freight:Tolls"},
            invoice="Rechnung",
            date="Datum",
            customer="Kunde",
            due=None,
            load=None,
            charge=None,
            amount=None,
            terms_days=30,
            date_format="%d.%m.%Y",
            decimal_mark=",",
            delimiter=";",
        )
        header = "Rechnung;Datum;Kunde;Fracht;Maut"
        rows = ("R-100;01.04.2025;Nord;1.200,00;45,50", "R-101;02.04.2025;Sud;800,00;")
        error = failure(importer, write(tmp_path, *rows, ";;;2.000,00;45,50", header=header))
        assert (error.line, error.code) == (4, "FCT210")
        entries = importer.extract(write(tmp_path, *rows, header=header), [])
        assert [legs(entry)[0][1] for entry in entries] == [Decimal("1245.50"), Decimal("800.00")]
        # A totals row of the main column only (the tolls left empty): 1.200,00 + 800,00.
        error = failure(importer, write(tmp_path, *rows, ";;;2.000,00;", header=header))
        assert (error.line, error.code) == (4, "FCT210")
        assert "a totals row" in error.detail
        # A row of R-101's without its number, a return toll equal to the one toll above
        # (45,50, a sum of one row: as much an item as a total). An item: R-101 is
        # 800,00 + 45,50 + 45,50 = 891,00.
        rows = ("R-100;01.04.2025;Nord;1.200,00;", "R-101;02.04.2025;Sud;800,00;45,50")
        entries = importer.extract(write(tmp_path, *rows, ";;;;45,50", header=header), [])
        assert [legs(entry)[0][1] for entry in entries] == [Decimal("1200.00"), Decimal("891.00")]
        # A total of every column filled above, though each is one row's: R-1's freight
        # 1.200,00 and its return toll 45,50 on a row of their own, then the total.
        total = ("R-1;01.04.2025;Nord;1.200,00;", ";;;;45,50", ";;;1.200,00;45,50")
        error = failure(importer, write(tmp_path, *total, header=header))
        assert (error.line, error.code) == (4, "FCT210")
        # A zero under a column no row filled (a column of extras): no figure.
        error = failure(
            importer,
            write(
                tmp_path,
                "R-100;01.04.2025;Nord;1.200,00;45,50",
                "R-101;02.04.2025;Sud;800,00;",
                ";;;2.000,00;45,50;0,00",
                header=header + ";Extra",
            ),
        )
        assert (error.line, error.code) == (4, "FCT210")
        # The total of a file of one invoice of one row.
        error = failure(importer, write(tmp_path, total[0], ";;;1.200,00;", header=header))
        assert (error.line, error.code) == (3, "FCT210")
        # The tolls of two invoices totalled alone (50,00 + 50,00): a total, though an
        # item of R-2 could be the same (FCT210 says to give it the number then).
        rows = ("R-1;01.04.2025;Nord;1.000,00;50,00", "R-2;02.04.2025;Sud;800,00;50,00")
        error = failure(importer, write(tmp_path, *rows, ";;;;100,00", header=header))
        assert (error.line, error.code) == (4, "FCT210")
        assert "if it is an item of R-2, give it the invoice number" in error.detail

    def test_first_row_without_a_number(self, tmp_path: Path) -> None:
        error = failure(InvoiceImporter(), write(tmp_path, ",03/03/2025,,Bayline,,FSC,1.00"))
        assert (error.line, error.column, error.code) == (2, "Invoice #", "FCT205")

    def test_total_that_does_not_add_up(self, tmp_path: Path) -> None:
        path = write(tmp_path, GOOD + ",1000.00", GOOD + ",1100.00", header=HEADER + ",Total")
        error = failure(InvoiceImporter(total="Total"), path)
        assert (error.line, error.column, error.code) == (2, "Total", "FCT210")
        assert "2000.00" in error.detail

    def test_missing_column(self, tmp_path: Path) -> None:
        path = write(tmp_path, "RF-1,03/03/2025", header="Invoice #,Invoice Date")
        error = failure(InvoiceImporter(), path)
        assert (error.line, error.column, error.code) == (1, "Due Date", "FCT203")

    def test_truncated(self, tmp_path: Path) -> None:
        path = write(tmp_path, GOOD, 'RF-2,03/03/2025,,"Bayline Log')
        error = failure(InvoiceImporter(), path)
        assert error.line == 3 and "truncated" in error.detail

    def test_undecodable(self, tmp_path: Path) -> None:
        path = write(
            tmp_path, GOOD, "RF-2,03/03/2025,,Bördelandt,BL-2,LINEHAUL,10.00", encoding="cp1252"
        )
        error = failure(InvoiceImporter(), path)
        assert (error.line, error.column) == (3, len("RF-2,03/03/2025,,B") + 1)

    def test_empty(self, tmp_path: Path) -> None:
        path = tmp_path / "empty.csv"
        path.write_text("\n\n")
        error = failure(InvoiceImporter(), str(path))
        assert "empty" in error.detail and error.code == "FCT202"

    def test_through_the_command_line(self, tmp_path: Path) -> None:
        bad = write(tmp_path, GOOD, "RF-2,03/03/2025,,Bayline,BL-2,LINEHAUL,1O.00")
        output = tmp_path / "out.beancount"
        config = [InvoiceImporter(name="invoices-default"), tms_invoices()]
        result = CliRunner().invoke(
            ingest(config).cli, ["extract", "-o", str(output), bad, str(TMS)]
        )
        assert result.exit_code == 1
        assert f"{bad}:3, column 'Amount': FCT207 " in result.output
        printed = output.read_text()
        assert '"RF-1"' not in printed and '"RF-2001"' in printed
