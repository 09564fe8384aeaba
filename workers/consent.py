"""The text a worker agrees to when registering. A new wording gets a new version; each consent keeps its text."""

from django.utils.translation import gettext_lazy as _

CONSENT_VERSION = "2026-01"

CONSENT_TEXT = _(
    "我同意县人力资源和社会保障局（春风就业服务平台）为就业服务处理我的个人信息：姓名、身份证号、手机号、户籍地、"
    "就业状态、技能和求职意向、重点群体身份。用途：登记实名制台账、推荐岗位、安排就业秘书联系我、组织返岗专车。"
    "身份证号加密保存，工作人员查看完整号码和导出名单都会留下记录。我可以随时查看、下载、更正我的信息，"
    "也可以申请删除，申请30天后信息将被匿名化。"
)
