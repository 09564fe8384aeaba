"""The figures kept per region and day: their names (the columns of DailyFigures), labels and how they add up.

A *flow* counts what happened on the day (postings published, people boarded) and a range's figure is the sum of
its days. A *stock* counts what stood at the end of the day (postings open, a secretary's caseload) and a range's
figure is its last day's. docs/statistics.md says which rows each figure counts.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

FLOW = "flow"
STOCK = "stock"


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    kind: str = FLOW


DEMAND = (
    Figure("postings_published", _("发布岗位")),
    Figure("headcount_wanted", _("招聘人数")),
    Figure("postings_open", _("在招岗位"), STOCK),
    Figure("headcount_filled", _("已招到人数")),
    Figure("employers_registered", _("新录入单位")),
    Figure("key_enterprises_registered", _("其中重点企业")),
)
FAIRS = (
    Figure("fairs_offline", _("线下招聘会")),
    Figure("fairs_online", _("线上招聘会")),
    Figure("fairs_livestream", _("直播带岗")),
    Figure("fair_employers", _("参会企业")),
    Figure("fair_intentions", _("招聘会达成意向")),
)
SUPPLY = (
    Figure("workers_registered_self", _("本人登记")),
    Figure("workers_registered_by_agent", _("经纪人代登记")),
    Figure("workers_registered_by_staff", _("人社局代登记")),
    Figure("workers_imported", _("台账导入")),
    Figure("workers_returned", _("返乡在家"), STOCK),
    Figure("workers_seeking", _("求职中"), STOCK),
    Figure("workers_employed_local", _("本地就业"), STOCK),
    Figure("workers_working_away", _("外出务工"), STOCK),
    Figure("key_group_poverty_alleviated", _("脱贫人口"), STOCK),
    Figure("key_group_retired_fisher", _("退捕渔民"), STOCK),
    Figure("key_group_graduate", _("高校毕业生"), STOCK),
    Figure("key_group_veteran", _("退役军人"), STOCK),
    Figure("key_group_hard_to_employ", _("就业困难人员"), STOCK),
    Figure("key_group_disabled", _("残疾人"), STOCK),
    Figure("secretary_caseload", _("就业秘书服务对象"), STOCK),
    Figure("one_three_one_met", _("达到“1-3-1”"), STOCK),
    Figure("services", _("就业秘书服务")),
)
APPLICATIONS = (
    Figure("applications_applied", _("报名")),
    Figure("applications_recommended", _("推荐")),
    Figure("applications_intention", _("达成意向")),
    Figure("applications_signed", _("签约")),
    Figure("applications_onboarded", _("上岗")),
    Figure("applications_declined", _("未录用")),
    Figure("applications_withdrawn", _("撤回")),
)
TRANSPORT = (
    Figure("trips_coach", _("专车")),
    Figure("trips_train", _("专列")),
    Figure("seats_offered", _("提供座位")),
    Figure("seats_booked", _("预约座位")),
    Figure("boarded", _("运送务工人员")),
)
MESSAGES = (
    Figure("sms_sent", _("短信发送")),
    Figure("sms_delivered", _("短信送达")),
    Figure("sms_failed", _("短信失败")),
)

SECTIONS = (
    (_("用工需求"), DEMAND),
    (_("招聘会"), FAIRS),
    (_("务工人员"), SUPPLY),
    (_("报名"), APPLICATIONS),
    (_("返岗专车"), TRANSPORT),
    (_("短信"), MESSAGES),
)
FIGURES = tuple(figure for _label, figures in SECTIONS for figure in figures)
BY_NAME = {figure.name: figure for figure in FIGURES}
FLOWS = tuple(figure.name for figure in FIGURES if figure.kind == FLOW)
STOCKS = tuple(figure.name for figure in FIGURES if figure.kind == STOCK)
