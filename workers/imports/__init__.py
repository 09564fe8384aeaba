"""Importing a village's or county's Excel ledger, in the same shape as jobs' demand import: `columns` (the column
names and the template to fill in), `rows` (each row checked, then duplicates across the file and the ledger),
`services` (store an upload, run it with core's import runner, write the workers)."""
