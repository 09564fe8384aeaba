"""The ledger import benchmark: a county's spreadsheet of 100,000 workers, validated and imported.

    DEBUG=true flock /tmp/chunfeng-benchmark.lock .venv/bin/python benchmarks/ledger_import.py [--rows 100000]

It makes its own database (chunfeng_bench_ledger on the PostgreSQL of BENCH_POSTGRES_URL, by default
postgres://postgres@127.0.0.1:5432), migrates it, loads the regions and 浏阳市's demo villages, writes an .xlsx file
in the import template's format (not timed), then times exactly what the Celery task on the `imports` queue does:
`ledger_import_run`, reading the file, checking every row (ID check digit and county, phone, village, status,
duplicates inside the file and against the ledger), encrypting and hashing each ID number, and writing every
account, worker, status and key group in one transaction. The database is dropped afterwards.
"""

import argparse
import datetime
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch_database import POSTGRES_SERVER, create_database, drop_database  # noqa: E402

DATABASE = "chunfeng_bench_ledger"
os.environ["DATABASE_URL"] = f"{POSTGRES_SERVER}/{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def _workbook(rows, villages):
    from openpyxl import Workbook

    from core.identity import make_id_number
    from workers.imports.columns import OPTIONAL_COLUMNS, REQUIRED_COLUMNS

    rng = random.Random(11)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    sheet.append([str(column) for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)])
    for index in range(rows):
        # One birth date per 1,000 sequence numbers keeps every number distinct.
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=index // 1000)
        county = "430123" if index % 9 == 0 else "430181"
        sheet.append(
            [
                f"务工人员{index}",
                make_id_number(county_code=county, birth_date=birth, sequence=index % 1000),
                f"19{index:09d}",
                rng.choice(villages),
                rng.choice(["返乡在家", "求职中", "本地就业", "外出务工"]),
                rng.choice(["电工", "焊工", ""]),
                rng.choice(["普工", "建筑", ""]),
                rng.choice([5000, 6000, None]),
                rng.choice(["", "", "", "脱贫人口", "退役军人、残疾人"]),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows

    create_database(DATABASE)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from core.accounts.models import Role
        from core.accounts.services import staff_user_create
        from core.regions.models import Region, RegionLevel
        from core.regions.services import regions_import_subdivisions, regions_load_divisions
        from workers.imports.services import ledger_import_create, ledger_import_run
        from workers.models import Worker

        call_command("migrate", verbosity=0)
        regions_load_divisions()
        regions_import_subdivisions(
            county_code="430181",
            rows=[
                (2, "430181102", "大瑶镇"),
                (3, "430181102201", "大瑶村"),
                (4, "430181102202", "南阳村"),
                (5, "430181102203", "杨花村"),
            ],
        )
        staff = staff_user_create(
            username="bench_staff",
            password="bench-password-2026-not-secret",
            role=Role.COUNTY_STAFF,
            region=Region.objects.get(code="430181"),
        )
        villages = list(Region.objects.filter(level=RegionLevel.VILLAGE).values_list("code", flat=True))

        started = time.perf_counter()
        content = _workbook(rows, villages)
        print(f"file: {rows:,} rows, {len(content) / 1e6:.1f} MB, written in {time.perf_counter() - started:.1f} s")

        ledger_import = ledger_import_create(uploaded_by=staff, file_name="bench.xlsx", content=content)
        started = time.perf_counter()
        result = ledger_import_run(import_id=ledger_import.pk)
        elapsed = time.perf_counter() - started
        assert result.status == "succeeded", result.problems[:5]
        assert Worker.objects.count() == rows
        rate = rows / elapsed
        print(f"validated and imported {result.imported_count:,} workers in {elapsed:.1f} s ({rate:,.0f} rows/s)")
        connections.close_all()
    finally:
        drop_database(DATABASE)


if __name__ == "__main__":
    main()
