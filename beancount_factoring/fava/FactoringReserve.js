// The factoring pages' only script: it turns the invoice numbers in Fava's
// query tables into links to Fava's journal filtered by the invoice's link
// (^RF-1001), which shows the invoice's whole life. The four pages share it
// (FactoringAging.js and the others re-export this module).
//
// A table opts in with <svelte-component type="query-table"
// data-invoice-column="N" data-journal="/<ledger>/journal/">: cells of column N
// become links. Text is copied with textContent, never parsed as HTML.

const LINK = /^[A-Za-z0-9\-_/.]+$/;

function linkCells(component) {
  const column = Number(component.dataset.invoiceColumn);
  const journal = component.dataset.journal;
  if (!Number.isInteger(column) || !journal) {
    return;
  }
  for (const row of component.querySelectorAll("tbody tr")) {
    const cell = row.cells[column];
    if (!cell || cell.querySelector("a")) {
      continue;
    }
    const invoice = cell.textContent.trim();
    if (!LINK.test(invoice)) {
      continue;
    }
    const link = document.createElement("a");
    link.href = `${journal}?filter=${encodeURIComponent(`^${invoice}`)}`;
    link.title = `Journal of ^${invoice}`;
    link.textContent = invoice;
    cell.replaceChildren(link);
  }
}

function linkInvoices() {
  for (const component of document.querySelectorAll(
    "svelte-component[data-invoice-column]",
  )) {
    linkCells(component);
    if (!component.factoringObserver) {
      // Fava's table renders its rows again when it is sorted.
      component.factoringObserver = new MutationObserver(() => {
        linkCells(component);
      });
      component.factoringObserver.observe(component, {
        childList: true,
        subtree: true,
      });
    }
  }
}

export default {
  onExtensionPageLoad() {
    linkInvoices();
  },
};
