from celery import shared_task

from core.accounts import services


@shared_task
def sign_in_codes_purge():
    return services.sign_in_codes_purge()
