"""Importing employer demand from an Excel sheet: one row per posting, its employer's columns repeated.

- `columns`: the column names and the template to download;
- `rows`: checking each row and the rows of each employer, without writing;
- `services`: storing an upload, and the run that the Celery task on the `imports` queue performs (all or nothing).
"""
