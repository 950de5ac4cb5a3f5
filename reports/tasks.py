import logging

from celery import shared_task

from . import services
from .models import ReportRun

logger = logging.getLogger(__name__)


@shared_task(soft_time_limit=240, time_limit=300)
def generate_annual_report_task(run_id: int) -> None:
    """Generate the annual report PDF of ``ReportRun`` ``run_id``."""
    run = ReportRun.objects.filter(pk=run_id).first()
    if run is None:
        logger.warning("Annual report run %s no longer exists", run_id)
        return
    services.report_run_generate(run=run)
