"""A draft newsletter issue pointing to the 2020 news loaded by ``load_wego_news``, so the
back office shows one to preview, test and send after ``make run``. Idempotent; run by
``load_wego_data`` after the news. Every sentence restates the 2020 annual report."""

from django.core.management.base import BaseCommand
from django.db import transaction

from news.models import Article
from newsletter.models import Issue

SUBJECT = "WeGO in 2020: ten years of the network"
INTRO = (
    "In 2020 WeGO celebrated its 10th anniversary and launched the WeGO 2030 Masterplan at "
    "the Executive Committee Meeting.\n\n"
    "Approximately 100 members completed the online smart city capacity building training, "
    "2,500 people took part in eleven webinars, and the Moscow Executive Committee Meeting "
    "was held online."
)
ARTICLES = [
    "wego-10th-anniversary",
    "wego-2030-masterplan",
    "excom-2020-online-moscow",
    "4th-wego-awards-2020",
]


class Command(BaseCommand):
    help = "Create the sample draft newsletter issue (once)."

    @transaction.atomic
    def handle(self, *args, **options):
        issue = Issue.objects.filter(subject_en=SUBJECT).first()
        if issue is None:
            issue = Issue.objects.create(subject=SUBJECT, subject_en=SUBJECT, intro=INTRO)
            issue.articles.set(Article.objects.filter(slug__in=ARTICLES))
        self.stdout.write(f"Newsletter: sample issue “{issue}” ({issue.get_state_display()})")
