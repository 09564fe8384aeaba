"""Fill a PostgreSQL database with N believable job postings (default 1,000,000) for the search benchmark.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chunfeng_bench DEBUG=true \
        .venv/bin/python benchmarks/generate.py --postings 1000000

Run `manage.py migrate` on that database first; the generator loads every county of China when the regions are
missing. Employers and postings are written with COPY (never row by row through the ORM), spread over every
county; each posting is indexed for search by the same code the services use (`jobs.services.posting_lexemes`).
It replaces the employers and postings already there, so it refuses a database that holds any unless told
`--replace`: point it at a scratch database, never at a real one.
"""

import argparse
import io
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from stdnum.cn import uscc  # noqa: E402
from tqdm import tqdm  # noqa: E402

from core.regions.models import Region, RegionLevel  # noqa: E402
from core.regions.selectors import region_path  # noqa: E402
from core.regions.services import regions_load_divisions  # noqa: E402
from jobs.models import Benefit, Employer, JobPosting, PostingKind, PostingStatus  # noqa: E402
from jobs.services import posting_lexemes, region_names  # noqa: E402

BATCH = 20_000

# occupation: (weight, titles, employer trade, duties, wage range, chance of meals and housing)
TRADES = {
    "general_worker": (
        22,
        ["普工", "操作工", "装配普工", "包装普工", "流水线普工", "长白班普工"],
        "实业",
        ["负责产品装配和包装，流水线作业，简单易学。", "在车间从事上料、下料和打包工作。"],
        (3800, 6500),
        0.7,
    ),
    "electronics": (
        14,
        ["电子厂普工", "电子厂操作工", "电子厂质检员", "SMT操作员", "电子装配工"],
        "电子科技",
        ["负责手机零部件组装和检测，无尘车间作业。", "从事电路板插件、贴片和外观检验工作。"],
        (4200, 7000),
        0.8,
    ),
    "sewing": (
        8,
        ["缝纫工", "车缝工", "服装厂平车工", "熟练车工", "服装包装工"],
        "服饰",
        ["负责服装缝制，计件工资，熟手优先。", "从事童装、运动服的车缝和整烫工作。"],
        (4000, 8000),
        0.7,
    ),
    "construction": (
        10,
        ["建筑工", "钢筋工", "木工", "泥瓦工", "架子工"],
        "建设工程",
        ["在建筑工地从事钢筋绑扎、模板支护等工作。", "负责房建项目的砌筑和抹灰，按方量计酬。"],
        (6000, 11000),
        0.5,
    ),
    "technician": (
        8,
        ["电焊工", "电工", "叉车工", "CNC操作员", "机修工"],
        "机械制造",
        ["持证上岗，负责设备操作和日常维护。", "从事数控机床操作、工件装夹和尺寸检测。"],
        (5500, 9500),
        0.6,
    ),
    "tea_picking": (
        3,
        ["采茶工", "茶园采茶工", "茶厂制茶工", "季节性采茶工"],
        "茶业",
        ["春茶季在茶园采摘明前茶，按斤计酬。", "负责鲜叶采摘和茶厂摊青、杀青等工序。"],
        (3000, 6000),
        0.6,
    ),
    "cleaning": (
        7,
        ["保洁员", "商场保洁", "小区保洁", "医院保洁员", "酒店客房保洁"],
        "物业管理",
        ["负责公共区域的清扫和垃圾清运。", "负责客房、走廊的日常清洁，工作轻松。"],
        (2600, 4200),
        0.3,
    ),
    "security": (
        6,
        ["保安", "小区保安", "工厂门岗保安", "商场保安员"],
        "保安服务",
        ["负责门岗值守、巡逻和来访登记。", "负责园区秩序维护和消防巡查。"],
        (3000, 5000),
        0.6,
    ),
    "cook": (
        5,
        ["厨师", "食堂厨师", "帮厨", "面点师"],
        "餐饮管理",
        ["负责员工食堂的大锅菜制作。", "协助厨师备菜、洗切配和厨房卫生。"],
        (3500, 7500),
        0.8,
    ),
    "driver": (
        5,
        ["货车司机", "叉车司机", "班车司机", "配送司机"],
        "物流运输",
        ["持C1及以上驾照，负责市内配送。", "负责员工班车接送，路线固定。"],
        (5000, 9000),
        0.4,
    ),
    "courier": (
        5,
        ["快递员", "快递分拣员", "仓库分拣员", "外卖配送员"],
        "供应链",
        ["负责片区快件收派，多劳多得。", "在分拣中心从事包裹扫描和分拣。"],
        (4500, 8500),
        0.5,
    ),
    "domestic": (
        2,
        ["月嫂", "育婴师", "住家保姆", "养老护理员"],
        "家政服务",
        ["照顾产妇和新生儿，持证优先。", "负责老人日常起居照料和陪护。"],
        (6000, 13000),
        0.9,
    ),
    "sales": (
        3,
        ["门店导购", "超市收银员", "销售代表"],
        "商贸",
        ["负责门店商品陈列和顾客接待。", "负责收银、理货和会员登记。"],
        (3000, 6000),
        0.3,
    ),
    "public_service": (
        2,
        ["乡村保洁员", "乡村护林员", "村级公共服务专干", "道路养护员"],
        "社区服务",
        ["负责村组道路和公共场所保洁。", "负责山林巡护和森林防火宣传。"],
        (1800, 2500),
        0.0,
    ),
}
BRANDS = [
    "蓝思",
    "华天",
    "湘元",
    "富康",
    "鑫达",
    "金阳",
    "宏达",
    "远大",
    "春晖",
    "恒信",
    "永兴",
    "安泰",
    "嘉和",
    "新力",
    "昌盛",
    "利民",
    "天成",
    "泰丰",
    "长青",
    "瑞丰",
    "旺达",
    "锦程",
    "同心",
    "众诚",
]
SHIFTS = [
    "长白班，月休4天。",
    "两班倒，做六休一。",
    "每天工作8小时，加班另计。",
    "早8点到晚6点，中午休息2小时。",
    "做五休二，节假日正常休息。",
]
HOURS = ["长白班", "两班倒", "每天8小时", "做六休一"]
WORK_SITES = ["经济开发区工业园", "高新区创业大道", "城南工业园", "镇工业集中区", "县城东环路", "产业园二期"]
PAY = [
    "计件工资，多劳多得，保底{low}元。",
    "月薪{low}-{high}元，每月15日足额发放。",
    "试用期一个月，工资不打折。",
    "综合工资{low}-{high}元，另有全勤奖200元。",
]
BENEFIT_SENTENCES = {
    "provides_meals": "公司食堂免费提供三餐。",
    "provides_housing": "提供免费宿舍，空调、热水、WiFi齐全。",
    "social_insurance": "入职即缴纳五险一金。",
    "travel_refund": "入职满三个月报销来厂路费。",
    "return_shuttle": "春节后安排返岗专车，点对点接送到厂。",
}
REQUIREMENTS = [
    "年龄{age_min}-{age_max}周岁，身体健康。",
    "男女不限，吃苦耐劳，服从安排。",
    "有相关经验者优先，无经验可带薪培训。",
    "初中及以上文化，能适应倒班。",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"


def copy_value(value):
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n").replace("\r", "")


def copy_rows(table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(copy_value(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def short_name(names):
    return names[-1] if len(names) > 3 else names[-2] if len(names) > 1 else names[0]


class Generator:
    def __init__(self, seed):
        self.random = random.Random(seed)
        counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
        # Every county's searchable names (湖南省 长沙市 浏阳市 湖南 长沙 浏阳), read once rather than per posting.
        self.places = {county.code: region_names(county) for county in tqdm(counties, desc="counties", unit="")}
        # The written address starts with the full place names (湖南省长沙市浏阳市), as addresses on real postings do.
        self.addresses = {county.code: "".join(region.name for region in region_path(county)) for county in counties}
        self.counties = counties
        self.trades = list(TRADES)
        self.trade_weights = [TRADES[trade][0] for trade in self.trades]

    def employers(self, count, now):
        rows, employers = [], []
        for serial in range(1, count + 1):
            county = (
                self.counties[(serial - 1) % len(self.counties)]
                if serial <= len(self.counties)
                else (self.random.choice(self.counties))
            )
            trade = self.random.choices(self.trades, self.trade_weights)[0]
            place = self.places[county.code][-1]
            name = f"{place}{self.random.choice(BRANDS)}{TRADES[trade][2]}有限公司"
            if trade == "public_service":
                name = f"{place}社区服务中心"
            body = f"91{county.code}{serial:09d}"
            employer = Employer(
                name=name,
                credit_code=body + uscc.calc_check_digit(body),
                industry=TRADES[trade][2],
                region_id=county.code,
                county_id=county.code,
                contact_name=self.random.choice(SURNAMES) + self.random.choice(["经理", "主管", "女士", "先生"]),
                contact_phone=f"1{self.random.choice('3578')}{self.random.randrange(10**9):09d}",
                is_key_enterprise=self.random.random() < 0.08,
            )
            employers.append((serial, employer, trade))
            rows.append(
                [
                    employer.name,
                    employer.credit_code,
                    employer.industry,
                    county.code,
                    "",
                    employer.contact_name,
                    employer.contact_phone,
                    employer.is_key_enterprise,
                    "",
                    county.code,
                    now,
                ]
            )
        columns = [
            "name",
            "credit_code",
            "industry",
            "region_id",
            "address",
            "contact_name",
            "contact_phone",
            "is_key_enterprise",
            "description",
            "county_id",
            "created_at",
        ]
        copy_rows("jobs_employer", columns, rows)
        return employers

    def posting_row(self, employer_id, employer, trade, now):
        rnd = self.random
        _weight, titles, _industry, duties, (low_base, high_base), meals_and_housing = TRADES[trade]
        county = employer.region_id
        names = self.places[county]
        title = rnd.choice(titles)
        prefix = rnd.random()
        if prefix < 0.25:
            title = short_name(names) + title
        elif prefix < 0.35:
            title = "急招" + title
        wage_min = rnd.randrange(low_base, low_base + 1500, 100)
        wage_max = max(wage_min, rnd.randrange(high_base - 1000, high_base + 1500, 100))
        benefits = {
            "provides_meals": rnd.random() < meals_and_housing,
            "provides_housing": rnd.random() < meals_and_housing,
            "social_insurance": rnd.random() < 0.4,
            "travel_refund": rnd.random() < 0.2,
            "return_shuttle": rnd.random() < 0.1,
        }
        age_min, age_max = rnd.choice([(18, 45), (18, 50), (16, 55), (20, 60)])
        description = "\n".join(
            [rnd.choice(duties), rnd.choice(SHIFTS), rnd.choice(PAY).format(low=wage_min, high=wage_max)]
            + [BENEFIT_SENTENCES[name] for name, given in benefits.items() if given]
        )
        requirements = rnd.choice(REQUIREMENTS).format(age_min=age_min, age_max=age_max)
        published_at = now - timedelta(seconds=rnd.randrange(60 * 86400))
        valid_until = (published_at + timedelta(days=rnd.randrange(20, 120))).date()
        status = rnd.choices(
            [PostingStatus.PUBLISHED, PostingStatus.DRAFT, PostingStatus.CLOSED, PostingStatus.FILLED], [93, 3, 2, 2]
        )[0]
        kind = PostingKind.PUBLIC_WELFARE if trade == "public_service" else PostingKind.REGULAR
        posting = JobPosting(
            employer=employer,
            title=title,
            occupation=trade,
            description=description,
            requirements=requirements,
            pay_notes="计件" if "计件" in description else "",
            kind=kind,
            work_region_id=county,
            **benefits,
        )
        lexemes = posting_lexemes(posting, place_names=names)
        return [
            employer_id,
            title,
            trade,
            description,
            rnd.choice([5, 10, 20, 30, 50, 100]),
            wage_min,
            wage_max,
            posting.pay_notes,
            rnd.choice(HOURS),
            *(benefits[benefit.value] for benefit in Benefit),
            county,
            self.addresses[county] + rnd.choice(WORK_SITES),
            age_min,
            age_max,
            requirements,
            kind,
            status,
            None if status == PostingStatus.DRAFT else published_at,
            valid_until,
            county,
            None,
            published_at,
            published_at,
            JobPosting.search_tokens.field.get_db_prep_value(lexemes, connection),
            title.startswith("急招"),  # the card's 急招 flag, as an employer who writes it in the title would tick it
        ]


POSTING_COLUMNS = [
    "employer_id",
    "title",
    "occupation",
    "description",
    "headcount",
    "wage_min",
    "wage_max",
    "pay_notes",
    "working_hours",
    *(benefit.value for benefit in Benefit),
    "work_region_id",
    "work_address",
    "age_min",
    "age_max",
    "requirements",
    "kind",
    "status",
    "published_at",
    "valid_until",
    "county_id",
    "created_by_id",
    "created_at",
    "updated_at",
    "search_tokens",
    "is_urgent",
]


def secondary_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'jobs_jobposting' "
            "AND indexname NOT LIKE '%%_pkey'"
        )
        return cursor.fetchall()


def generate_postings(*, postings, employers, seed):
    """Replace every employer and posting with `employers` employers and `postings` postings of them (COPY), the
    regions loaded first when missing; the indexes are rebuilt and the tables analysed at the end."""
    if not Region.objects.filter(level=RegionLevel.COUNTY).exists():
        regions_load_divisions()
    generator = Generator(seed)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE jobs_jobposting, jobs_employer RESTART IDENTITY CASCADE")
    employer_rows = generator.employers(employers, now)

    # Indexes are dropped for the load and built once at the end: far faster than maintaining them per row.
    indexes = secondary_indexes()
    with connection.cursor() as cursor:
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    with tqdm(total=postings, desc="postings", unit=" rows", unit_scale=True) as progress:
        written = 0
        while written < postings:
            size = min(BATCH, postings - written)
            rows = [generator.posting_row(*generator.random.choice(employer_rows), now) for _ in range(size)]
            copy_rows("jobs_jobposting", POSTING_COLUMNS, rows)
            written += size
            progress.update(size)
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in tqdm(indexes, desc="indexes", unit=""):
            cursor.execute(definition)
        cursor.execute("VACUUM ANALYZE jobs_employer")
        cursor.execute("VACUUM ANALYZE jobs_jobposting")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--employers", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--replace", action="store_true", help="delete the employers and postings already there")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The generator writes with PostgreSQL's COPY: set DATABASE_URL to a scratch PostgreSQL database.")
    if Employer.objects.exists() and not options.replace:
        sys.exit("This database already holds employers; pass --replace to delete them and their postings.")

    started = time.monotonic()
    generate_postings(postings=options.postings, employers=options.employers, seed=options.seed)
    print(f"{options.postings:,} postings of {options.employers:,} employers in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
