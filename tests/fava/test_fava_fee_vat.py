"""The Fava cost page on the Finnish example, whose bank adds 25.5% VAT to its fees."""

from __future__ import annotations

from fava_ledgers import EUROPE, make_app

SLUG = "routakallio-metal-oy"


def test_the_cost_page_shows_the_vat_apart_from_the_fees_and_the_rate() -> None:
    client = make_app(EUROPE).test_client()
    data = client.get(f"/{SLUG}/extension/FactoringCost/data").json
    html = client.get(f"/{SLUG}/extension/FactoringCost/").get_data(as_text=True)
    assert "VAT excluded" in html and "deductible" in html
    assert "VAT on fees (deductible, excluded)" in html
    # The fees 4,339.15 + 54 x 4.00 = 4,555.15 leave out the VAT: 1,106.50 on the
    # discount fees + 54 x 1.02 on the handling fees = 1,161.58, shown apart.
    (line,) = data["by_factor"]
    assert line["fees"]["total"] == "4555.15"
    assert line["vat"] == "1161.58"
    # By month of the lump sums: 491.75, 417.02, 252.81.
    assert [m["vat"] for m in data["by_month"]] == ["491.75", "417.02", "252.81"]
