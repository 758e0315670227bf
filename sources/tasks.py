"""Celery entry points for sources, and nothing else."""

from celery import shared_task

from sources.reference_tables import reference_table_recheck


@shared_task(acks_late=True, ignore_result=True)
def recheck_reference_table(table_id: int) -> None:
    """Compare the claims a new table concerns with it (progress on the table)."""
    reference_table_recheck(table_id=table_id)
