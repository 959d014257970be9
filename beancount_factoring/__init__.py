"""Invoice factoring for Beancount.

The plugin (``beancount_factoring.plugin``) splits a factor's lump sums and audits
them against the agreement; ``importers`` read factor reports, bank lines and
invoice exports; ``reports`` computes reserve, aging, cost and reconciliation, shown
by the Fava extension (``beancount_factoring.fava``) and the ``bean-factoring`` CLI.
"""

__version__ = "0.1.0"
