"""The fixed corpus of the relevance benchmark: 3,000 postings whose true job, place, wage and benefits are known.

Generated from a fixed seed, so every run judges the same postings. Each posting's *truth* (what it really is, not
what its words say) is what the judgments grade against: a cleaner whose description mentions the kitchen (后厨)
is still a cleaner, a factory posting saying 月休4天 is no maternity nurse. About a fifth of the descriptions
mention another trade's words on purpose, the way real postings do, so that a search matching words alone is
caught out; benefits, daily pay and wages are said in the several ways employers write them.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

SEED = 18
SIZE = 3000
KEY_PREFIX = "relevance-corpus:"

# job: (occupation, titles, duties, wage range)
JOBS = {
    "cook": ("cook", ["厨师", "食堂厨师", "中餐厨师", "大厨"], ["负责员工食堂大锅菜", "炒菜、做员工餐"], (4500, 9000)),
    "kitchen_helper": (
        "cook",
        ["帮厨", "厨房帮工", "厨师帮工", "切配工"],
        ["洗菜切菜、打荷", "协助备菜"],
        (3200, 5000),
    ),
    "pastry": ("cook", ["面点师", "白案面点师"], ["负责包子馒头等面点制作"], (4500, 8000)),
    "canteen_cook": ("cook", ["炊事员", "食堂炊事员"], ["负责工地食堂一日三餐"], (4000, 6500)),
    "cleaner": (
        "cleaning",
        ["保洁员", "物业保洁员", "商场保洁", "清洁工", "小区保洁"],
        ["负责公共区域清扫", "垃圾清运、楼道清洁"],
        (2600, 4200),
    ),
    "security": ("security", ["保安", "小区保安", "门卫", "保安员"], ["门岗值守、夜间巡逻", "来访登记"], (3000, 5000)),
    "nanny": (
        "domestic",
        ["育婴员", "育儿嫂", "住家保姆", "育婴师"],
        ["照顾0-3岁宝宝的饮食起居", "陪伴宝宝早教"],
        (5000, 9000),
    ),
    "maternity": (
        "domestic",
        ["月嫂", "诚聘月嫂", "金牌月嫂", "母婴护理员"],
        ["照顾产妇和新生儿", "产后护理、新生儿护理"],
        (8000, 15000),
    ),
    "housekeeper": (
        "domestic",
        ["家政服务员", "钟点工", "家政保洁"],
        ["上门做家务，收纳整理", "家庭日常保洁"],
        (3500, 6000),
    ),
    "general_worker": (
        "general_worker",
        ["普工", "操作工", "流水线普工", "包装普工", "长白班普工"],
        ["流水线作业，简单易学", "上料、下料和打包"],
        (3800, 6500),
    ),
    "electronics": (
        "electronics",
        ["电子厂普工", "电子厂操作工", "SMT操作员", "电子装配工"],
        ["手机零部件组装", "电路板插件和检测"],
        (4200, 7000),
    ),
    "inspector": (
        "electronics",
        ["质检员", "电子厂质检员", "品检员"],
        ["产品外观检验", "来料检验和记录"],
        (4200, 6500),
    ),
    "driver": (
        "driver",
        ["货车司机", "班车司机", "配送司机", "驾驶员"],
        ["持C1以上驾照，市内配送", "员工班车接送"],
        (5500, 9000),
    ),
    "forklift": ("technician", ["叉车工", "叉车司机"], ["持叉车证，仓库装卸货物", "仓库叉车作业"], (5000, 7500)),
    "welder": ("technician", ["焊工", "电焊工", "氩弧焊工"], ["钢结构焊接，持焊工证", "不锈钢焊接"], (6500, 11000)),
    "electrician": ("technician", ["电工", "维修电工"], ["厂区设备电路维修", "持电工证"], (5500, 9000)),
    "builder": (
        "construction",
        ["建筑工", "钢筋工", "木工", "泥瓦工"],
        ["房建项目砌筑抹灰", "钢筋绑扎、模板支护"],
        (6000, 11000),
    ),
    "labourer": ("construction", ["小工", "工地杂工", "建筑小工"], ["工地搬砖、清理", "给师傅打下手"], (4500, 7000)),
    "loader": ("general_worker", ["搬运工", "装卸工", "仓库搬运"], ["货物搬运和装车", "物流园卸货"], (4500, 8000)),
    "courier": ("courier", ["快递员", "分拣员", "快递分拣"], ["包裹分拣和派送", "夜班分拣"], (4500, 8000)),
    "tea": ("tea_picking", ["采茶工", "茶园采茶工", "季节性采茶工"], ["春茶季采摘明前茶，按斤计酬"], (3000, 6000)),
    "sewing": ("sewing", ["缝纫工", "车缝工", "服装厂平车工"], ["服装缝制，计件", "童装车缝"], (4000, 8000)),
    "carer": ("domestic", ["护工", "医院护工", "养老护理员"], ["照顾卧床老人", "医院陪护"], (4000, 7000)),
    "sales": ("sales", ["销售", "导购员", "门店销售"], ["门店接待和销售", "商品陈列"], (3500, 8000)),
}
# How often each job appears (weights), close to what a county's job fair offers.
JOB_WEIGHTS = {
    "general_worker": 14, "electronics": 12, "cleaner": 8, "security": 7, "builder": 6, "labourer": 4, "loader": 4,
    "cook": 5, "kitchen_helper": 3, "pastry": 2, "canteen_cook": 2, "nanny": 3, "maternity": 3, "housekeeper": 3,
    "driver": 5, "forklift": 3, "welder": 3, "electrician": 3, "courier": 4, "tea": 2, "sewing": 4, "carer": 2,
    "inspector": 3, "sales": 3,
}  # fmt: skip
# Sentences that name another trade, as real postings do ("our canteen has cooks", "cleaning of the workshop").
CONFUSERS = [
    "负责后厨和餐厅区域的清洁",
    "公司食堂有厨师做饭",
    "车间需配合保洁",
    "门口有保安值守",
    "协助司机装卸货物",
    "可带娃，宿舍宽敞",
    "电子厂旁边，交通方便",
    "工地附近有快递点",
    "老板人好，月嫂家政都招过",
    "配合电工检修",
    "采购普工用品",
]
FILLERS = ["月休4天", "长白班", "工作环境好", "多劳多得", "有加班费", "手脚勤快即可", "年龄18-55岁", "可夫妻工"]
MEALS_WORDS = ["包吃", "管饭", "免费工作餐", "供餐"]
HOUSING_WORDS = ["包住", "提供住宿", "宿舍4人间", "免费住宿"]
DAILY_PAY = ["日结", "日结，每天200元", "当天结算"]
OTHER_PAY = ["月结", "计件，多劳多得", "底薪加提成", ""]
DAILY_JOBS = {"labourer", "loader", "courier", "builder", "housekeeper"}
# name: code (checked against the region table when loaded)
PLACES = {
    "浏阳市": "430181", "宁乡市": "430182", "长沙县": "430121", "岳麓区": "430104", "新化县": "431322",
    "涟源市": "431382", "古丈县": "433126", "邵东市": "430582", "东莞市": "441900", "宝安区": "440306",
    "龙岗区": "440307", "南海区": "440605", "中山市": "442000", "义乌市": "330782", "萧山区": "330109",
    "昆山市": "320583", "云阳县": "500235", "峨眉山市": "511181", "朝阳区": "110105",
}  # fmt: skip


@dataclass(frozen=True)
class Truth:
    key: str
    job: str
    place: str
    wage_max: int
    meals: bool
    housing: bool
    daily: bool
    age_days: int


@dataclass(frozen=True)
class CorpusPosting:
    truth: Truth
    title: str
    occupation: str
    description: str
    pay_notes: str
    wage_min: int


def corpus():
    """The postings, always the same ones."""
    rng = random.Random(SEED)
    jobs = list(JOB_WEIGHTS)
    weights = [JOB_WEIGHTS[job] for job in jobs]
    postings = []
    for number in range(SIZE):
        job = rng.choices(jobs, weights)[0]
        occupation, titles, duties, (low, high) = JOBS[job]
        meals, housing = rng.random() < 0.55, rng.random() < 0.5
        daily = rng.random() < (0.4 if job in DAILY_JOBS else 0.04)
        wage_min = rng.randrange(low, high - 500, 100)
        wage_max = rng.randrange(wage_min + 500, high + 1, 100)
        sentences = [rng.choice(duties), rng.choice(FILLERS)]
        if rng.random() < 0.22:
            sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(CONFUSERS))
        if meals and rng.random() < 0.4:
            sentences.append(rng.choice(MEALS_WORDS))
        if housing and rng.random() < 0.4:
            sentences.append(rng.choice(HOUSING_WORDS))
        truth = Truth(
            key=f"{number:04d}",
            job=job,
            place=rng.choice(list(PLACES.values())),
            wage_max=wage_max,
            meals=meals,
            housing=housing,
            daily=daily,
            age_days=rng.randrange(0, 60),
        )
        postings.append(
            CorpusPosting(
                truth=truth,
                title=rng.choice(titles),
                occupation=occupation,
                description="，".join(sentences) + "。",
                pay_notes=rng.choice(DAILY_PAY) if daily else rng.choice(OTHER_PAY),
                wage_min=wage_min,
            )
        )
    return postings


def load(*, now):
    """Write the corpus into the current database (regions loaded; no other postings): employers and postings."""
    from core.accounts.models import User  # noqa: F401  (the apps are set up by the caller)
    from core.regions.models import Region
    from jobs.models import Employer, JobPosting, PostingStatus
    from jobs.services import posting_lexemes, region_names

    regions = Region.objects.in_bulk(list(PLACES.values()))
    missing = set(PLACES.values()) - set(regions)
    if missing:
        raise SystemExit(f"regions missing: {sorted(missing)}; load the divisions first")
    names = {code: region_names(region) for code, region in regions.items()}
    employers = {}
    for code, region in regions.items():
        employers[code] = Employer.objects.create(
            name=f"{region.name}人力资源服务有限公司",
            credit_code=f"91{code}MA0000{len(employers):04d}"[:18],
            industry="人力资源服务",
            region=region,
            contact_name="王经理",
            contact_phone="13800000000",
            county=region,
        )
    rows = []
    for posting in corpus():
        truth = posting.truth
        row = JobPosting(
            employer=employers[truth.place],
            title=posting.title,
            occupation=posting.occupation,
            description=posting.description,
            headcount=5,
            wage_min=posting.wage_min,
            wage_max=truth.wage_max,
            pay_notes=posting.pay_notes,
            provides_meals=truth.meals,
            provides_housing=truth.housing,
            work_region=regions[truth.place],
            # The key that the judgments name the posting by; the address is not searched.
            work_address=KEY_PREFIX + truth.key,
            status=PostingStatus.PUBLISHED,
            published_at=now - timedelta(days=truth.age_days, minutes=int(truth.key)),
            valid_until=(now + timedelta(days=30)).date(),
            county=regions[truth.place],
        )
        row.search_tokens = posting_lexemes(row, place_names=names[truth.place])
        rows.append(row)
    JobPosting.objects.bulk_create(rows, batch_size=1000)
