"""The one runner of the console's list exports (the postings, the employers, the worker ledger): a clerk's click
records an `Export`, a Celery task on the `imports` queue writes the workbook, and the clerk downloads it from the
export's page. Only what differs is the app's: an `ExportKind` (kinds.py), registered from the app's `ready()`.

A county's whole list (10,000-40,000 postings) takes longer to write than a web request may last (gunicorn's 30 s),
so no export is built in the request any more (docs/operations.md, "Exports")."""
