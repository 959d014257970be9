// The factoring pages' only script. It turns cells of Fava's query tables into
// links: invoice numbers to Fava's journal filtered by the invoice's link
// (^RF-1001), which shows the invoice's whole life; places in the ledger
// (main.beancount:22) to Fava's editor at that line, as Fava's Errors page
// does. The four pages share it (FactoringAging.js and the others re-export
// this module).
//
// A table opts in with <svelte-component type="query-table"
// data-invoice-column="N" data-journal="/<ledger>/journal/">: cells of column N
// become journal links; and with data-source-column="M"
// data-editor="/<ledger>/editor/" data-ledger-dir="/path/of/the/ledger": cells
// of column M (a file relative to that directory, a colon, a line) become editor
// links. Text is copied with textContent, never parsed as HTML. A cell of several
// invoice numbers separated by spaces gets one link for each.
//
// Headings and text wrap so that a table fits the window; a date or a link
// does not (2025-03-03 or RF-1001 would break at a hyphen): their cells get the
// class factoring-nowrap.

const LINK = /^[A-Za-z0-9\-_/.]+$/;
// A file with an extension, a colon, a line (a schedule id or an invoice is no place).
const PLACE = /^(.+\.[A-Za-z0-9]+):(\d+)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function invoiceLink(component, invoice) {
  if (!LINK.test(invoice)) {
    return null;
  }
  return {
    href: `${component.dataset.journal}?filter=${encodeURIComponent(`^${invoice}`)}`,
    title: `Journal of ^${invoice}`,
  };
}

function sourceLink(component, place) {
  const found = PLACE.exec(place);
  if (!found) {
    return null;
  }
  const [, file, line] = found;
  const directory = component.dataset.ledgerDir;
  const windows = /^[A-Za-z]:[\\/]/.test(file) || file.startsWith("\\");
  const absolute = file.startsWith("/") || windows;
  const separator = directory.includes("\\") && !directory.includes("/") ? "\\" : "/";
  const path = absolute ? file : `${directory}${separator}${file}`;
  const query = `file_path=${encodeURIComponent(path)}&line=${line}`;
  return { href: `${component.dataset.editor}?${query}`, title: `Edit ${place}` };
}

function anchor(target, text) {
  const link = document.createElement("a");
  link.href = target.href;
  link.title = target.title;
  link.textContent = text;
  return link;
}

// A cell of several invoice numbers ("RF-1001 RF-1002") gets a link for each,
// separated by spaces (the cell may wrap between them, never inside one).
function linkWords(component, cell, text, makeLink) {
  const words = text.split(/\s+/);
  const targets = words.map((word) => makeLink(component, word));
  if (targets.some((target) => !target)) {
    return;
  }
  const parts = [];
  words.forEach((word, index) => {
    if (index) {
      parts.push(document.createTextNode(" "));
    }
    const link = anchor(targets[index], word);
    link.classList.add("factoring-nowrap");
    link.style.whiteSpace = "nowrap";
    parts.push(link);
  });
  cell.replaceChildren(...parts);
}

function linkColumn(component, column, makeLink, several = false) {
  if (!Number.isInteger(column)) {
    return;
  }
  for (const row of component.querySelectorAll("tbody tr")) {
    const cell = row.cells[column];
    if (!cell || cell.querySelector("a")) {
      continue;
    }
    const text = cell.textContent.trim();
    if (several && /\s/.test(text)) {
      linkWords(component, cell, text, makeLink);
      continue;
    }
    const target = text ? makeLink(component, text) : null;
    if (!target) {
      continue;
    }
    cell.replaceChildren(anchor(target, text));
    cell.classList.add("factoring-nowrap");
  }
}

function keepDatesWhole(component) {
  for (const cell of component.querySelectorAll("tbody td:not(.factoring-nowrap)")) {
    if (DATE.test(cell.textContent.trim())) {
      cell.classList.add("factoring-nowrap");
    }
  }
}

// A table's total rows (data-totals: a JSON list of rows of text, written by the
// server in Fava's number format) go in a footer of their own: sorting the table
// moves the rows of its body, never the totals.
function addTotals(component) {
  const { totals } = component.dataset;
  const table = component.querySelector("table");
  if (!totals || !table || table.querySelector("tfoot.factoring-totals")) {
    return;
  }
  const footer = document.createElement("tfoot");
  footer.className = "factoring-totals";
  for (const values of JSON.parse(totals)) {
    const row = document.createElement("tr");
    values.forEach((value, index) => {
      const cell = document.createElement("td");
      cell.textContent = value;
      if (index > 0 && /^[-−(]?[\d\s.,\u00a0\u202f'’]+\)?$/.test(value)) {
        cell.className = "num";
      }
      row.append(cell);
    });
    footer.append(row);
  }
  table.append(footer);
}

function linkCells(component) {
  addTotals(component);
  keepDatesWhole(component);
  const { invoiceColumn, journal, sourceColumn, editor, ledgerDir } = component.dataset;
  if (invoiceColumn !== undefined && journal) {
    linkColumn(component, Number(invoiceColumn), invoiceLink, true);
  }
  if (sourceColumn !== undefined && editor && ledgerDir !== undefined) {
    linkColumn(component, Number(sourceColumn), sourceLink);
  }
}

function linkInvoices() {
  for (const component of document.querySelectorAll(
    ".factoring-page svelte-component[type=query-table]",
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
