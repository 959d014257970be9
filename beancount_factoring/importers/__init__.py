"""beangulp importers for factor reports, bank lines and invoice exports (SPEC §4)."""
