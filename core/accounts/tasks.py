from celery import shared_task

from core.accounts.services import sign_in_codes_purge


@shared_task(name="core.accounts.purge_sign_in_codes")
def purge_sign_in_codes():
    return sign_in_codes_purge()
