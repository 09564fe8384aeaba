"""The demand import benchmark: a county's employer-demand sheet of 10,000 postings, validated and imported.

    DEBUG=true flock /tmp/chunfeng-benchmark.lock .venv/bin/python benchmarks/demand_import.py [--rows 10000]

It makes its own database (chunfeng_bench_demand on the PostgreSQL of BENCH_POSTGRES_URL, by default
postgres://postgres@127.0.0.1:5432), migrates it, loads the regions, enters one employer in eight as if another
county had entered it already (the import must match those, not duplicate them), and writes an .xlsx file in the
template's format (not timed): about 800 employers of Hunan and Guangdong, their columns repeated on each of their
postings, places given by name or by code. Then it times exactly what the Celery task on the `imports` queue does:
`demand_import_run` with "import as published", reading the file, checking every cell of every row and the rows of
each employer against each other, matching credit codes, cutting every posting's search words, and writing the
employers, postings and their history entries in one transaction. The database is dropped afterwards.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch_database import POSTGRES_SERVER, create_database, drop_database  # noqa: E402

DATABASE = "chunfeng_bench_demand"
os.environ["DATABASE_URL"] = f"{POSTGRES_SERVER}/{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

POSTINGS_PER_EMPLOYER = 12.5
ALREADY_ENTERED_EVERY = 8


def _employers(count, counties, rng):
    """(columns of the employer, trade) for `count` employers of the given counties."""
    from stdnum.cn import uscc

    from benchmarks.generate import BRANDS, SURNAMES, TRADES

    trades = list(TRADES)
    weights = [TRADES[trade][0] for trade in trades]
    employers = []
    for serial in range(1, count + 1):
        county = rng.choice(counties)
        trade = rng.choices(trades, weights)[0]
        place = county.name.removesuffix("市").removesuffix("县").removesuffix("区")
        body = f"91{county.code}{serial:09d}"
        employers.append(
            (
                {
                    "单位名称": f"{place}{rng.choice(BRANDS)}{TRADES[trade][2]}有限公司",
                    "统一社会信用代码": body + uscc.calc_check_digit(body),
                    "行业": TRADES[trade][2],
                    # Hunan's counties by name (as people type them), the others by code.
                    "所在地区": county.name if county.code.startswith("43") else county.code,
                    "地址": f"{county.name}工业园{rng.randrange(1, 99)}号",
                    "联系人": rng.choice(SURNAMES) + rng.choice(["经理", "主管", "女士", "先生"]),
                    "联系电话": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                    "是否重点企业": "是" if rng.random() < 0.08 else "否",
                },
                trade,
            )
        )
    return employers


def _workbook(rows, counties, seed=7):
    from django.utils import timezone
    from openpyxl import Workbook

    from benchmarks.generate import HOURS, PAY, REQUIREMENTS, SHIFTS, TRADES
    from jobs.imports.columns import ALL_COLUMNS
    from jobs.models import Occupation

    rng = random.Random(seed)
    employers = _employers(round(rows / POSTINGS_PER_EMPLOYER), counties, rng)
    header = [str(column) for column in ALL_COLUMNS]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("岗位需求")
    sheet.append(header)
    today = timezone.localdate()
    for index in range(rows):
        employer, trade = employers[index % len(employers)]
        _weight, titles, _industry, duties, (low, high), meals_and_housing = TRADES[trade]
        wage_min = rng.randrange(low, low + 1500, 100)
        age_min, age_max = rng.choice([(18, 45), (18, 50), (16, 55), (20, 60)])
        posting = {
            "岗位名称": rng.choice(titles),
            "工种": str(Occupation(trade).label),
            "招聘人数": rng.choice([5, 10, 20, 30, 50, 100]),
            "月薪下限": wage_min,
            "月薪上限": max(wage_min, rng.randrange(high - 1000, high + 1500, 100)),
            "计薪方式": rng.choice(PAY).format(low=wage_min, high=wage_min + 1500)[:100],
            "工作时间": rng.choice(HOURS),
            "包吃": "是" if rng.random() < meals_and_housing else "否",
            "包住": "是" if rng.random() < meals_and_housing else "否",
            "五险一金": "是" if rng.random() < 0.4 else "否",
            "路费报销": "是" if rng.random() < 0.2 else "",
            "返岗专车": "是" if rng.random() < 0.1 else "",
            "工作地区": "" if rng.random() < 0.8 else employer["所在地区"],
            "工作地址": employer["地址"],
            "年龄下限": age_min,
            "年龄上限": age_max,
            "任职要求": rng.choice(REQUIREMENTS).format(age_min=age_min, age_max=age_max),
            "岗位类型": "公益性岗位" if trade == "public_service" else "普通岗位",
            "有效期至": today + timedelta(days=rng.randrange(30, 120)),
            "岗位描述": rng.choice(duties) + rng.choice(SHIFTS),
        }
        sheet.append([{**employer, **posting}[column] for column in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), employers


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="print where the timed run spends its time")
    arguments = parser.parse_args()
    rows = arguments.rows

    create_database(DATABASE)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from core.accounts.models import Role
        from core.accounts.services import staff_user_create
        from core.regions.models import Region, RegionLevel
        from core.regions.services import regions_load_divisions
        from jobs.imports.services import demand_import_create, demand_import_run
        from jobs.models import Employer, JobPosting

        call_command("migrate", verbosity=0)
        regions_load_divisions()
        liuyang = Region.objects.get(code="430181")
        staff = staff_user_create(
            username="bench_staff", password="bench-password-2026-not-secret", role=Role.COUNTY_STAFF, region=liuyang
        )
        counties = list(Region.objects.filter(level=RegionLevel.COUNTY, code__regex=r"^(43|44)").exclude(name="市辖区"))
        # A county name that Hunan holds twice would (rightly) be refused as ambiguous; keep the sheet importable.
        hunan_names = [county.name for county in counties if county.code.startswith("43")]
        counties = [county for county in counties if hunan_names.count(county.name) <= 1]

        started = time.perf_counter()
        content, employers = _workbook(rows, counties)
        print(
            f"file: {rows:,} rows, {len(employers):,} employers, {len(content) / 1e6:.1f} MB, "
            f"written in {time.perf_counter() - started:.1f} s"
        )
        already = [employer for index, (employer, _trade) in enumerate(employers) if index % ALREADY_ENTERED_EVERY == 0]
        Employer.objects.bulk_create(
            Employer(
                name=employer["单位名称"],
                credit_code=employer["统一社会信用代码"],
                industry=employer["行业"],
                region_id="431322",
                county_id="431322",
                contact_name=employer["联系人"],
                contact_phone=employer["联系电话"],
            )
            for employer in already
        )

        demand_import = demand_import_create(
            uploaded_by=staff, county=liuyang, file_name="bench.xlsx", content=content, publish=True
        )
        profiler = cProfile.Profile() if arguments.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = demand_import_run(import_id=demand_import.pk)
        elapsed = time.perf_counter() - started
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        assert result.status == "succeeded", result.problems[:5]
        assert JobPosting.objects.filter(status="published").count() == rows
        assert result.employers_matched == len(already)
        assert Employer.objects.count() == len(employers)
        print(
            f"validated and imported {result.postings_created:,} postings ({result.employers_created:,} employers "
            f"created, {result.employers_matched:,} matched) in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s)"
        )
        connections.close_all()
    finally:
        drop_database(DATABASE)


if __name__ == "__main__":
    main()
