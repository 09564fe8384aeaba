"""`{% if user|may_edit_demand %}`: for the console menu, which shows every section's page only to those its view
lets in, without each page's view passing the flag."""

from django import template

from jobs.services import user_may_edit_demand

register = template.Library()


@register.filter
def may_edit_demand(user):
    return user.is_authenticated and user_may_edit_demand(user)
