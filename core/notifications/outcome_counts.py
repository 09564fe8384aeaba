"""How many SMS were sent, failed, delivered and not delivered, counted as the sender records each outcome
(core/observability/counters.py), for the metrics (chunfeng_sms_total, docs/operations.md)."""

from core.observability.counters import counter_add, counter_values

SMS_OUTCOMES = ("sent", "failed", "delivered", "undelivered")


def sms_outcome_count(outcome, rows):
    counter_add(f"sms_{outcome}", rows)


def sms_settled_count(outcome, delivery_fields, rows):
    """A row the reconciliation settled: sent or failed, and delivered or not when the provider said so too."""
    sms_outcome_count(outcome, rows)
    if "delivery" in delivery_fields:
        sms_outcome_count(delivery_fields["delivery"], rows)


def sms_outcome_totals():
    """{"sent": n, "failed": n, "delivered": n, "undelivered": n} since the counters began."""
    totals = counter_values([f"sms_{outcome}" for outcome in SMS_OUTCOMES])
    return {outcome: totals[f"sms_{outcome}"] for outcome in SMS_OUTCOMES}
