from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.accounts.models import Role, User
from core.errors import ApplicationError
from core.regions.models import Region, RegionLevel
from core.typed_input import normalize_contact_phone, normalize_credit_code
from jobs.models import Employer, EmployerContact
from jobs.pagecache import list_cache_invalidate
from jobs.services.access import check_may_edit, with_history_user
from jobs.services.indexing import employer_postings_reindex

# What the postings' search lexemes are made of: a change to one of these re-indexes the employer's postings.
_INDEXED_FIELDS = ("name", "industry")
EMPLOYER_FIELDS = (
    "name",
    "credit_code",
    "industry",
    "region",
    "address",
    "contact_name",
    "contact_phone",
    "is_key_enterprise",
    "liaison",
    "description",
)


def require_county(region: Region, field: str) -> None:
    if region.level != RegionLevel.COUNTY:
        raise ApplicationError(_("请选择到县一级。"), field=field)


def _refuse_duplicate(credit_code: str, *, excluding: Employer | None = None) -> None:
    """One employer per credit code, and the message says who has it, so that staff know whom to call."""
    existing = Employer.objects.filter(credit_code=credit_code).select_related("county", "created_by")
    if excluding is not None:
        existing = existing.exclude(pk=excluding.pk)
    existing = existing.first()
    if existing is None:
        return
    bureau = _("%(county)s人社局") % {"county": existing.county.name}
    who = existing.created_by.get_full_name() or existing.created_by.username if existing.created_by else ""
    raise ApplicationError(
        _("该单位已经录入过了：%(name)s，由%(bureau)s %(who)s 于%(date)s录入。")
        % {"name": existing.name, "bureau": bureau, "who": who, "date": f"{existing.created_at:%Y-%m-%d}"},
        code="duplicate",
        field="credit_code",
        details={"employer_id": existing.pk},
    )


def _check_liaison(liaison: User | None, county: Region) -> None:
    if liaison is None:
        return
    if liaison.role != Role.COUNTY_STAFF or not liaison.is_active or liaison.region_id != county.pk:
        raise ApplicationError(_("联络员应是%(county)s人社局的工作人员。") % {"county": county.name}, field="liaison")


def _contacts_replace(employer: Employer, contacts: Iterable[Mapping[str, str]]) -> None:
    """`contacts`: dicts of name, phone and role; the employer's additional contacts become exactly these."""
    employer.contacts.all().delete()
    EmployerContact.objects.bulk_create(
        EmployerContact(employer=employer, name=c["name"], phone=c["phone"], role=c.get("role", "")) for c in contacts
    )


@transaction.atomic
def employer_create(
    *,
    name: str,
    credit_code: str,
    industry: str,
    region: Region,
    county: Region,
    contact_name: str,
    contact_phone: str,
    address: str = "",
    is_key_enterprise: bool = False,
    liaison: User | None = None,
    description: str = "",
    contacts: Iterable[Mapping[str, str]] = (),
    actor: User | None = None,
) -> Employer:
    credit_code = normalize_credit_code(credit_code)
    contact_phone = normalize_contact_phone(contact_phone)
    require_county(county, "county")
    check_may_edit(actor, county.code)
    _refuse_duplicate(credit_code)
    _check_liaison(liaison if is_key_enterprise else None, county)
    employer = Employer(
        name=name,
        credit_code=credit_code,
        industry=industry,
        region=region,
        county=county,
        contact_name=contact_name,
        contact_phone=contact_phone,
        address=address,
        is_key_enterprise=is_key_enterprise,
        liaison=liaison if is_key_enterprise else None,
        description=description,
        created_by=actor,
    )
    with_history_user(employer, actor).save()
    _contacts_replace(employer, contacts)
    return employer


@transaction.atomic
def employer_update(
    *, employer: Employer, actor: User | None, contacts: Iterable[Mapping[str, str]] | None = None, **fields: Any
) -> Employer:
    """Change the fields given (see EMPLOYER_FIELDS); `contacts`, when given, replaces the additional contacts.

    A change to the name or industry re-indexes the employer's postings: they are found by those words.
    """
    unknown = set(fields) - set(EMPLOYER_FIELDS)
    if unknown:
        raise TypeError(f"employer_update() does not change {sorted(unknown)}")
    employer = Employer.objects.select_for_update().select_related("county").get(pk=employer.pk)
    check_may_edit(actor, employer.county_id)
    if "credit_code" in fields:
        fields["credit_code"] = normalize_credit_code(fields["credit_code"])
        _refuse_duplicate(fields["credit_code"], excluding=employer)
    if "contact_phone" in fields:
        fields["contact_phone"] = normalize_contact_phone(fields["contact_phone"])
    if not fields.get("is_key_enterprise", employer.is_key_enterprise):
        fields["liaison"] = None
    _check_liaison(fields.get("liaison", employer.liaison), employer.county)
    reindex = any(fields.get(name, getattr(employer, name)) != getattr(employer, name) for name in _INDEXED_FIELDS)
    for name, value in fields.items():
        setattr(employer, name, value)
    with_history_user(employer, actor).save()
    if contacts is not None:
        _contacts_replace(employer, contacts)
    if reindex:
        employer_postings_reindex(employer)
    # The public cards show the employer's name and key-enterprise mark, so any change may alter a cached list.
    transaction.on_commit(list_cache_invalidate)
    return employer
