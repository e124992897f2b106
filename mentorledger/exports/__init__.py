"""Exports to the systems promotion dossiers live in: Interfolio Faculty Activity Reporting (CSV/TSV),
Watermark Faculty Success (XML per screen, sent over its REST API) and a JSON summary per mentor
against a published JSON Schema. Every figure comes from the same ledger view as the reports."""
