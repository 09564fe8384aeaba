from django.db.models import QuerySet

from core.accounts.models import User
from core.accounts.scoping import scope_to_user
from jobs.models import DemandImport


def demand_imports_for(user: User) -> QuerySet[DemandImport]:
    """The demand imports of the counties in the user's region, newest first."""
    return scope_to_user(user, DemandImport.objects.select_related("uploaded_by", "county"), region_field="county")
