"""Demo employers and postings drawn from the seed reports: Liuyang's electronics plants and fireworks, Changsha's
car plants, Guzhang's and Emeishan's tea gardens, Xinhua's builders, Luxi's garment workshops, Yunyang's noodle
makers, and the Pearl River delta factories the buses go to. Called by portal.demo.seed_demo; idempotent."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from core.regions.models import Region
from jobs.models import Employer, JobPosting
from jobs.services import employer_create, posting_create, posting_publish


@dataclass(frozen=True)
class DemoRole:
    title: str
    occupation: str
    wage: tuple
    benefits: tuple
    description: str
    working_hours: str = "长白班，每天8小时"
    pay_notes: str = ""


@dataclass(frozen=True)
class DemoEmployer:
    name: str
    industry: str
    region: str
    county: str
    key: bool
    sites: tuple
    roles: tuple
    # (site, region code) for a site away from the employer's own county: an agency's shops in other cities.
    sites_elsewhere: tuple = ()

    def site_region(self, site):
        return dict(self.sites_elsewhere).get(site, self.region)


MEALS_HOUSING = ("provides_meals", "provides_housing")
FACTORY = (*MEALS_HOUSING, "social_insurance", "return_shuttle")

DEMO_EMPLOYERS = [
    DemoEmployer(
        "浏阳蓝光电子科技有限公司",
        "电子制造",
        "430181",
        "430181",
        True,
        ("浏阳经开区一厂", "浏阳经开区二厂", "永安园区"),
        (
            DemoRole(
                "电子厂普工",
                "electronics",
                (4500, 6500),
                FACTORY,
                "手机玻璃盖板研磨、清洗和包装，无尘车间，站立作业。",
                "两班倒，做六休一",
                "底薪加计件，保底4500元",
            ),
            DemoRole("质检员", "electronics", (4800, 6800), FACTORY, "外观检测和尺寸抽检，视力良好，能看清细小划痕。"),
            DemoRole("叉车工", "technician", (5500, 7500), FACTORY, "仓库物料搬运，持叉车证。"),
        ),
    ),
    DemoEmployer(
        "浏阳金阳物业管理有限公司",
        "物业服务",
        "430181",
        "430181",
        False,
        ("淮川街道", "集里街道", "荷花街道"),
        (
            DemoRole(
                "小区保洁员",
                "cleaning",
                (2800, 3500),
                ("provides_meals",),
                "负责小区楼道和公共区域清扫，离家近，做六休一。",
                "早7点到下午5点",
            ),
            DemoRole(
                "医院保洁", "cleaning", (3000, 3800), ("provides_meals",), "负责病区走廊和卫生间清洁，服从护士长安排。"
            ),
            DemoRole(
                "小区保安", "security", (3200, 4000), MEALS_HOUSING, "门岗值守和夜间巡逻，退役军人优先。", "做二休一"
            ),
        ),
    ),
    DemoEmployer(
        "浏阳花炮产业园烟花有限公司",
        "烟花爆竹",
        "430181",
        "430181",
        True,
        ("大瑶镇", "官渡镇"),
        (
            DemoRole(
                "花炮包装工",
                "general_worker",
                (3800, 5500),
                MEALS_HOUSING,
                "成品烟花装箱封箱，持证上岗，厂里统一安全培训。",
                pay_notes="计件，多劳多得",
            ),
            DemoRole(
                "组装普工",
                "general_worker",
                (4000, 6000),
                MEALS_HOUSING,
                "烟花组合件组装，按件计酬，熟手月入6000元以上。",
                pay_notes="计件",
            ),
        ),
    ),
    DemoEmployer(
        "长沙湘江汽车零部件有限公司",
        "汽车制造",
        "430112",
        "430112",
        True,
        ("望城经开区",),
        (
            DemoRole(
                "汽车装配工", "general_worker", (5000, 7500), FACTORY, "汽车座椅和内饰装配，流水线作业。", "两班倒"
            ),
            DemoRole("焊工", "technician", (6500, 9000), FACTORY, "车身焊装线二氧焊，有焊工证优先。"),
            DemoRole("物料配送员", "general_worker", (4500, 6000), FACTORY, "按生产计划向线边配送物料。"),
        ),
    ),
    DemoEmployer(
        "宁乡花明楼食品有限公司",
        "食品加工",
        "430182",
        "430182",
        False,
        ("花明楼镇",),
        (
            DemoRole("食品厂普工", "general_worker", (3800, 5000), MEALS_HOUSING, "酱卤食品分拣和包装，有健康证。"),
            DemoRole("食堂厨师", "cook", (4500, 6000), MEALS_HOUSING, "负责300人员工食堂的大锅菜。", "早6点到下午2点"),
        ),
    ),
    DemoEmployer(
        "古丈毛尖茶叶专业合作社",
        "茶叶种植",
        "433126",
        "433126",
        False,
        ("默戎镇茶园", "古阳镇茶园"),
        (
            DemoRole(
                "采茶工",
                "tea_picking",
                (3000, 5000),
                ("provides_meals",),
                "春茶季采摘古丈毛尖明前茶，按斤计价，熟手一天可采4斤以上。",
                "早6点到中午12点",
                "按斤计酬",
            ),
            DemoRole("制茶工", "tea_picking", (3500, 5500), MEALS_HOUSING, "杀青、揉捻和烘干，有师傅带。"),
        ),
    ),
    DemoEmployer(
        "峨眉山春芽茶业有限公司",
        "茶叶种植",
        "511181",
        "511181",
        True,
        ("峨眉山茶园",),
        (
            DemoRole(
                "季节性采茶工",
                "tea_picking",
                (3200, 5200),
                MEALS_HOUSING,
                "3月至4月采摘春茶，提供线上采茶技能培训。",
                "早7点到下午4点",
                "按斤计酬，日结",
            ),
        ),
    ),
    DemoEmployer(
        "新化梅山建筑工程有限公司",
        "建筑施工",
        "431322",
        "431322",
        False,
        ("新化县城项目部", "上梅街道项目部", "洋溪镇项目部"),
        (
            DemoRole(
                "钢筋工",
                "construction",
                (7000, 10000),
                MEALS_HOUSING,
                "房建项目钢筋绑扎，按方量计酬，工资月结。",
                pay_notes="按方量计酬",
            ),
            DemoRole("木工", "construction", (7500, 11000), MEALS_HOUSING, "模板支护，有经验者优先。"),
            DemoRole("建筑小工", "construction", (5000, 6500), MEALS_HOUSING, "工地搬运、清理，包吃包住。"),
        ),
    ),
    DemoEmployer(
        "株洲芦淞盘扣服饰有限公司",
        "服装加工",
        "430203",
        "430203",
        False,
        ("芦淞服饰园",),
        (
            DemoRole(
                "缝纫工",
                "sewing",
                (4500, 8000),
                MEALS_HOUSING,
                "女装车缝，计件工资，多劳多得。",
                "早8点到晚8点",
                "计件",
            ),
            DemoRole(
                "盘扣工", "sewing", (3000, 4500), (), "手工盘扣，可带回家做，适合带娃的宝妈。", "时间自由", "计件"
            ),
        ),
    ),
    DemoEmployer(
        "云阳面工劳务服务有限公司",
        "劳务派遣",
        "500235",
        "500235",
        False,
        ("北京门店", "上海门店"),
        (
            DemoRole(
                "面点师",
                "cook",
                (6000, 9000),
                MEALS_HOUSING,
                "云阳面工品牌面馆，负责制面和煮面，有师傅带。",
                "早5点到下午2点",
            ),
        ),
        sites_elsewhere=(("北京门店", "110105"), ("上海门店", "310104")),
    ),
    DemoEmployer(
        "深圳宝安精密电子有限公司",
        "电子制造",
        "440306",
        "440306",
        True,
        ("福永工厂", "沙井工厂"),
        (
            DemoRole(
                "电子厂操作工",
                "electronics",
                (5500, 7500),
                (*FACTORY, "travel_refund"),
                "笔记本电脑组装，坐班，春节后返岗专车从湖南直达。",
                "两班倒",
                "底薪2360元加加班费",
            ),
            DemoRole(
                "SMT技术员", "technician", (6500, 9500), (*FACTORY, "travel_refund"), "贴片机调试和保养，有经验优先。"
            ),
        ),
    ),
    DemoEmployer(
        "长沙家家乐家政服务有限公司",
        "家政服务",
        "430104",
        "430104",
        False,
        ("岳麓区门店", "雨花区门店"),
        (
            DemoRole(
                "月嫂",
                "domestic",
                (9000, 14000),
                MEALS_HOUSING,
                "住家照顾产妇和新生儿26天，持母婴护理证优先。",
                "住家，26天一单",
            ),
            DemoRole("育婴师", "domestic", (6000, 9000), MEALS_HOUSING, "照顾0-3岁婴幼儿饮食起居。"),
            DemoRole(
                "保洁阿姨", "cleaning", (4000, 5500), (), "家庭保洁，按小时计费，时间灵活。", "时间自由", "每小时40元"
            ),
        ),
        sites_elsewhere=(("雨花区门店", "430111"),),
    ),
    DemoEmployer(
        "古丈县默戎镇人民政府",
        "公共管理",
        "433126",
        "433126",
        False,
        ("默戎镇",),
        (
            DemoRole(
                "乡村保洁员",
                "public_service",
                (1800, 2000),
                (),
                "负责村组道路和公共场所保洁，优先安排脱贫人口。",
                "每天4小时",
            ),
            DemoRole(
                "护林员", "public_service", (1800, 2200), (), "山林巡护和森林防火宣传，就在家门口。", "每天巡山一次"
            ),
        ),
    ),
]
# Each role is posted once per site and campaign batch: 春风行动 runs several rounds of recruitment.
BATCHES = ("春节前预招", "春节后第一批", "三月补招", "四月补招")


def _credit_code(serial, region_code):
    body = f"91{region_code}MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


@transaction.atomic
def seed_demo_postings():
    """Create the demo employers and publish their postings; returns how many postings exist afterwards."""
    rng = random.Random(2026)
    regions = Region.objects.in_bulk(
        {
            code
            for demo in DEMO_EMPLOYERS
            for code in (demo.region, demo.county, *(code for _site, code in demo.sites_elsewhere))
        }
    )
    openings = []
    for serial, demo in enumerate(DEMO_EMPLOYERS, start=1):
        credit_code = _credit_code(serial, demo.region)
        if Employer.objects.filter(credit_code=credit_code).exists():
            continue
        employer = employer_create(
            name=demo.name,
            credit_code=credit_code,
            industry=demo.industry,
            region=regions[demo.region],
            county=regions[demo.county],
            address=demo.sites[0],
            contact_name=rng.choice("王李张刘陈杨黄周") + rng.choice(["经理", "主管", "女士"]),
            contact_phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            is_key_enterprise=demo.key,
        )
        openings += [
            (employer, demo, role, site, batch) for role in demo.roles for site in demo.sites for batch in BATCHES
        ]
    # Published in a shuffled order, so that the newest-first list mixes employers as a real one would.
    rng.shuffle(openings)
    for employer, demo, role, site, batch in openings:
        _publish(rng, employer, demo, role, site, batch, regions)
    return JobPosting.objects.count()


def _publish(rng, employer, demo, role, site, batch, regions):
    low, high = role.wage
    wage_min = low + rng.randrange(0, 5) * 100
    posting = posting_create(
        employer=employer,
        created_by=None,
        title=role.title,
        occupation=role.occupation,
        description=f"{role.description}\n{batch}，工作地点：{site}。",
        headcount=rng.choice([5, 10, 20, 30, 50]),
        wage_min=wage_min,
        wage_max=max(wage_min, high + rng.randrange(-3, 4) * 100),
        work_region=regions[demo.site_region(site)],
        work_address=site,
        valid_until=timezone.localdate() + timedelta(days=rng.randrange(20, 90)),
        county=regions[demo.county],
        benefits=role.benefits,
        working_hours=role.working_hours,
        pay_notes=role.pay_notes,
        age_max=58 if role.occupation == "domestic" else 55,
        kind="public_welfare" if role.occupation == "public_service" else "regular",
    )
    posting_publish(posting=posting)
