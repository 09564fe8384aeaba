"""Everything the portal holds about one worker, for the worker themselves (PIPL art. 45: access and copy)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.privacy.models import AuditAction, AuditLog
from core.privacy.services import audit_record


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@transaction.atomic
def worker_personal_data(*, worker, viewer):
    """A plain dict (for the page and the JSON download) of the worker's data, and who accessed it; audited."""
    audit_record(actor=viewer, action=AuditAction.SUBJECT_ACCESS, subject=f"worker:{worker.pk}", reason=_("本人查阅"))
    accesses = AuditLog.objects.filter(subject=f"worker:{worker.pk}").select_related("actor").order_by("-created_at")
    return {
        _("基本信息"): {
            _("姓名"): worker.full_name,
            _("身份证号"): worker.id_number,
            _("性别"): worker.get_sex_display(),
            _("出生日期"): str(worker.birth_date or ""),
            _("手机号"): worker.user.phone or "",
            _("户籍所在村"): worker.home_region.name,
            _("就业状态"): worker.get_status_display(),
            _("技能"): worker.skills,
            _("求职意向"): worker.wanted_occupations,
            _("意向地区"): worker.get_wanted_area_display(),
            _("意向城市"): worker.wanted_cities,
            _("期望月薪（元）"): worker.expected_wage,
            _("可上岗日期"): str(worker.available_from or ""),
            _("就业秘书"): worker.secretary.get_full_name() if worker.secretary else "",
            _("登记人"): worker.registered_by.get_full_name() if worker.registered_by else _("本人"),
            _("登记时间"): _when(worker.registered_at),
            _("申请删除时间"): _when(worker.deletion_requested_at),
        },
        _("重点群体"): [
            {_("类别"): group.get_group_display(), _("已核实"): bool(group.verified_at)}
            for group in worker.key_groups.all()
        ],
        _("状态记录"): [
            {_("状态"): change.get_status_display(), _("日期"): str(change.effective_on), _("说明"): change.note}
            for change in worker.status_changes.all()
        ],
        _("服务记录"): [
            {
                _("类型"): record.get_kind_display(),
                _("日期"): str(record.served_on),
                _("内容"): record.notes,
                _("结果"): record.outcome,
            }
            for record in worker.service_records.all()
        ],
        _("同意记录"): [
            {_("版本"): consent.version, _("时间"): _when(consent.given_at), _("文本"): consent.text}
            for consent in worker.consents.all()
        ],
        _("个人信息访问记录"): [
            {
                _("时间"): _when(entry.created_at),
                _("操作"): entry.get_action_display(),
                _("操作人"): (entry.actor.get_full_name() or entry.actor.username) if entry.actor else _("系统"),
                _("理由"): entry.reason,
            }
            for entry in accesses
        ],
    }
