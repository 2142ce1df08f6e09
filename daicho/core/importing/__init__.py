"""Import engine: read users' CSV/TSV/XLSX files and turn them into ledger records."""
