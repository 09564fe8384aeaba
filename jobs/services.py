from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

from core.errors import ApplicationError
from core.regions.models import RegionLevel
from core.regions.selectors import region_path
from jobs.models import Benefit, Employer, JobPosting, PostingStatus
from jobs.pagecache import list_cache_invalidate
from jobs.search import document_lexemes

# Region names are indexed whole and without their suffix too, so that 浏阳 finds 浏阳市 and 新化 finds 新化县.
_REGION_SUFFIXES = ("自治州", "自治县", "地区", "省", "市", "县", "区", "州", "盟", "旗")


def credit_code_clean(value):
    """The canonical 统一社会信用代码 (GB 32100: 18 characters, the last a check character), or an error."""
    try:
        return uscc.validate(value)
    except InvalidLength as error:
        raise ApplicationError(_("统一社会信用代码应为18位。"), field="credit_code") from error
    except InvalidChecksum as error:
        raise ApplicationError(_("统一社会信用代码的校验位不对，请核对后重新输入。"), field="credit_code") from error
    except ValidationError as error:
        raise ApplicationError(_("统一社会信用代码格式不对，请核对后重新输入。"), field="credit_code") from error


def _require_county(region, field):
    if region.level != RegionLevel.COUNTY:
        raise ApplicationError(_("请选择到县一级。"), field=field)


@transaction.atomic
def employer_create(
    *,
    name,
    credit_code,
    industry,
    region,
    county,
    contact_name,
    contact_phone,
    address="",
    is_key_enterprise=False,
    description="",
):
    credit_code = credit_code_clean(credit_code)
    _require_county(county, "county")
    if Employer.objects.filter(credit_code=credit_code).exists():
        raise ApplicationError(_("这个统一社会信用代码的单位已经录入过了。"), field="credit_code")
    return Employer.objects.create(
        name=name,
        credit_code=credit_code,
        industry=industry,
        region=region,
        county=county,
        contact_name=contact_name,
        contact_phone=contact_phone,
        address=address,
        is_key_enterprise=is_key_enterprise,
        description=description,
    )


def region_names(region):
    """The names a place is searched by: 湖南省 长沙市 浏阳市 and 湖南 长沙 浏阳."""
    names = []
    for ancestor in region_path(region):
        names.append(ancestor.name)
        for suffix in _REGION_SUFFIXES:
            if ancestor.name.endswith(suffix) and len(ancestor.name) > len(suffix) + 1:
                names.append(ancestor.name.removesuffix(suffix))
                break
    return names


def posting_lexemes(posting, *, place_names):
    employer = posting.employer
    return document_lexemes(
        title=posting.title,
        texts=[
            posting.get_occupation_display(),
            posting.description,
            posting.requirements,
            posting.pay_notes,
            employer.name,
            employer.industry,
            " ".join(posting.benefits),
            "包吃包住" if posting.provides_meals and posting.provides_housing else "",
            posting.get_kind_display(),
            *place_names,
        ],
    )


@transaction.atomic
def posting_create(
    *,
    employer,
    created_by,
    title,
    occupation,
    description,
    headcount,
    wage_min,
    wage_max,
    work_region,
    valid_until,
    county,
    benefits=(),
    **details,
):
    """A draft posting. `benefits` are Benefit values; `details` the optional text fields (pay_notes, ...)."""
    if wage_min <= 0 or wage_max <= 0:
        raise ApplicationError(_("工资必须大于0元。"), field="wage_min")
    if wage_min > wage_max:
        raise ApplicationError(_("工资下限不能高于上限。"), field="wage_min")
    if headcount <= 0:
        raise ApplicationError(_("招聘人数至少为1人。"), field="headcount")
    if valid_until < timezone.localdate():
        raise ApplicationError(_("有效期不能早于今天。"), field="valid_until")
    _require_county(county, "county")
    posting = JobPosting(
        employer=employer,
        created_by=created_by,
        title=title,
        occupation=occupation,
        description=description,
        headcount=headcount,
        wage_min=wage_min,
        wage_max=wage_max,
        work_region=work_region,
        valid_until=valid_until,
        county=county,
        **{benefit.value: benefit.value in benefits for benefit in Benefit},
        **details,
    )
    posting.search_tokens = posting_lexemes(posting, place_names=region_names(work_region))
    posting.save()
    return posting


@transaction.atomic
def posting_publish(*, posting):
    posting = JobPosting.objects.select_for_update().get(pk=posting.pk)
    if posting.status != PostingStatus.DRAFT:
        raise ApplicationError(_("只有草稿状态的岗位可以发布。"), code="wrong_status")
    if posting.valid_until < timezone.localdate():
        raise ApplicationError(_("岗位已过有效期，请先修改有效期再发布。"), field="valid_until")
    posting.status = PostingStatus.PUBLISHED
    posting.published_at = timezone.now()
    posting.save(update_fields=["status", "published_at", "updated_at"])
    transaction.on_commit(list_cache_invalidate)
    return posting


@transaction.atomic
def posting_close(*, posting, status=PostingStatus.CLOSED):
    """Stop recruiting: closed, or filled when every place is taken."""
    if status not in (PostingStatus.CLOSED, PostingStatus.FILLED):
        raise ApplicationError(_("岗位只能关闭或标记为已招满。"), field="status")
    posting = JobPosting.objects.select_for_update().get(pk=posting.pk)
    if posting.status != PostingStatus.PUBLISHED:
        raise ApplicationError(_("只有招聘中的岗位可以关闭。"), code="wrong_status")
    posting.status = status
    posting.save(update_fields=["status", "updated_at"])
    transaction.on_commit(list_cache_invalidate)
    return posting


def postings_expire_due(*, today: date | None = None):
    """Mark every published posting whose validity ended before `today` as expired; returns how many.

    Idempotent, and safe to run at any time: the public selectors never show an expired posting even before it
    runs, because they also filter on `valid_until`.
    """
    today = today or timezone.localdate()
    expired = JobPosting.objects.filter(status=PostingStatus.PUBLISHED, valid_until__lt=today).update(
        status=PostingStatus.EXPIRED, updated_at=timezone.now()
    )
    if expired:
        list_cache_invalidate()
    return expired
