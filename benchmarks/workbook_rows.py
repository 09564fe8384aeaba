"""How long writing N lines of an export into a workbook takes (core.spreadsheets.append_row, openpyxl write-only),
without the database: the part of an in-request export that grows with its lines.

    DEBUG=true .venv/bin/python benchmarks/workbook_rows.py --rows 10000 50000

Each line is an audit log line as the audit log's export writes it (seven cells, a date and a JSON detail). The
figure behind core.privacy.services.AUDIT_LOG_EXPORT_MAX_ROWS.
"""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from openpyxl import Workbook  # noqa: E402

from core.spreadsheets import append_row, workbook_bytes  # noqa: E402

DETAIL = json.dumps({"rows": 1, "filters": {"action": ["export"]}}, ensure_ascii=False)


def written(rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计记录")
    moment = datetime.datetime(2026, 12, 6, 12, 0)
    for number in range(rows):
        append_row(sheet, [number, moment, "liuyang-staff", "查看完整个人信息", f"worker:{number}", "社保核对", DETAIL])
    return workbook_bytes(workbook)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 50_000])
    options = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    for rows in options.rows:
        started = time.perf_counter()
        size = len(written(rows))
        print(f"{rows:>9,} lines: {time.perf_counter() - started:5.1f} s, {size / 1024:,.0f} KB")


if __name__ == "__main__":
    main()
