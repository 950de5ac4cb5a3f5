"""Load WeGO's 2020 news from the 2020 annual report. Idempotent; run by ``load_wego_data``
after the members, events, programs and awards, which the articles link to.

Every sentence restates the report. The report dates these things to the month ("Online |
November") or only to the year, so each article keeps that precision (``date_precision``):
it is shown as "November 2020" or "2020", never with an invented day.
"""

import datetime
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand
from django.db import transaction

from awards.enums import Result
from awards.models import Edition
from events.models import Event
from members.models import Office, Organization
from news.models import DatePrecision
from news.services import article_load
from programs.models import Program

SEOUL = ZoneInfo("Asia/Seoul")

GOVERNANCE = ("governance", "Governance")
PROGRAMS = ("programs", "Programs")
HEALTH = ("smart-health-responder", "Smart Health Responder")
AWARDS = ("wego-awards", "WeGO Awards")
WEGO = ("wego", "WeGO")

ARTICLES = [
    {
        "import_key": "2020-greetings-president",
        "title": "Greetings from the President of WeGO, Acting Mayor of Seoul",
        "slug": "greetings-from-the-president-2020",
        "when": (2020, None),
        "categories": [WEGO],
        "summary": (
            "Jeong Hyup Seo, President of WeGO and Acting Mayor of Seoul, looks back on a year "
            "in which members kept up the smart city dialogue on and offline despite COVID-19."
        ),
        "body": (
            "<p>Due to the COVID-19 pandemic, international communication and cooperation were "
            "heavily affected in 2020, and the originally planned WeGO agenda met a number of "
            "difficulties. Members nevertheless continued to engage in WeGO activities and the "
            "smart cities dialogue both on and offline.</p>"
            "<p>Approximately 100 members completed the online smart city capacity building "
            "training, 2,500 people took part in eleven webinars, and the Moscow Executive "
            "Committee Meeting was held online with great interest and participation from "
            "members.</p>"
            "<p>In 2021 WeGO is committed to contributing to the development of smart cities, "
            "encouraging knowledge sharing and promoting cooperation and exchanges among its "
            "members.</p>"
        ),
        "office": "secretariat",
        "organizations": ["seoul"],
    },
    {
        "import_key": "2020-greetings",
        "title": "Greetings from the Secretary General: WeGO's 2020 Annual Report",
        "slug": "greetings-from-the-secretary-general-2020",
        "when": (2020, None),
        "categories": [WEGO],
        "summary": (
            "Kyong-yul Lee, Secretary General of WeGO, presents the 2020 Annual Report: a year "
            "of the 10th anniversary, the COVID-19 pandemic, the 2030 Masterplan and two new "
            "flagship programs."
        ),
        "body": (
            "<p>Greetings from the WeGO Secretariat in Seoul. The organization now has more than "
            "200 members and five regional offices around the world.</p>"
            "<p>2020 was the year of WeGO's 10th anniversary, a chance to reflect on WeGO's "
            "accomplishments and to chart and improve the path forward. It was also a year of "
            "unprecedented challenges resulting from the COVID-19 pandemic, which showed that "
            "digital technology is all the more critical in securing resilience and "
            "transformation for citizens, governments and industries alike.</p>"
            "<p>WeGO adjusted its programs: the Executive Committee Meeting, hosted by the Moscow "
            "City Government, convened online for the first time; the WeGO 2030 Masterplan was "
            "launched; and two flagship programs were established, Smart City Driver and Smart "
            "Health Responder. WeGO members and external partners forged closer ties through "
            "the China, Japan, Korea (CJK) Smart City Forum and the Northeast Asia Smart Cities "
            "Network (NEASCN).</p>"
            "<p>Looking towards the next decade, WeGO is committed to working even closer with "
            "its partners and friends to support its members in their digital transformation "
            "to becoming smart and sustainable.</p>"
        ),
        "office": "secretariat",
    },
    {
        "import_key": "2020-10th-anniversary",
        "title": "WeGO celebrates its 10th anniversary",
        "slug": "wego-10th-anniversary",
        "when": (2020, None),
        "categories": [WEGO],
        "summary": (
            "A social media campaign (#WeGO10), a video and a commemorative book mark ten years "
            "of WeGO, from the inaugural General Assembly in 2010."
        ),
        "body": (
            "<p>WeGO celebrated its 10th anniversary with a social media campaign on Facebook, "
            "Twitter and LinkedIn under the hashtag #WeGO10, a video and a commemorative book. "
            "They commemorate the milestone and reflect on WeGO's core values, past events, the "
            "people who helped shape its development, and its plans for the future.</p>"
            "<h2>Highlights of the decade</h2>"
            "<ul><li>The inaugural General Assembly, 2010</li>"
            "<li>e-Government and ICT solutions and tools developed by WeGO</li>"
            "<li>Training programs since 2011</li>"
            "<li>Feasibility studies conducted from 2010 to 2019</li>"
            "<li>The opening of the Secretariat in Seoul, 2014</li>"
            "<li>Regional offices in Chengdu and Ulyanovsk Region (2014), Beyoglu (2017) and "
            "Mexico City (2018)</li>"
            "<li>The 4th General Assembly, 2017, and WeGO's renewed mandate</li></ul>"
        ),
        "office": "secretariat",
    },
    {
        "import_key": "2020-2030-masterplan",
        "title": "The WeGO 2030 Masterplan sets the direction for the next decade",
        "slug": "wego-2030-masterplan",
        "when": (2020, 11),
        "categories": [WEGO, GOVERNANCE],
        "summary": (
            "Launched at EXCOM 2020, the 2030 Masterplan articulates WeGO's new vision, mission "
            "and initiatives, shaped with an advisory board of seven experts."
        ),
        "body": (
            "<p>On the occasion of WeGO's 10th anniversary, the WeGO 2030 Masterplan establishes "
            "the strategic direction of the organization over the next decade. It takes into "
            "account the evolving needs of smart sustainable cities and presents an action plan "
            "that articulates WeGO's new vision, mission and initiatives.</p>"
            "<p>A special advisory board of seven experts from various sectors of the smart city "
            "field shared their insights in shaping its direction.</p>"
            "<p>WeGO will expand and diversify its activities by theme, format, sector and "
            "region, to target cities of all sizes and stages of development as well as "
            "partners. The Masterplan was launched at the Executive Committee Meeting 2020.</p>"
        ),
        "office": "secretariat",
        "events": ["wego-excom-2020"],
    },
    {
        "import_key": "2020-excom",
        "title": "EXCOM 2020 meets online for the first time, hosted by Moscow",
        "slug": "excom-2020-online-moscow",
        "when": (2020, 11),
        "categories": [GOVERNANCE],
        "summary": (
            "331 participants joined the first online Executive Committee Meeting, which "
            "approved 26 new members and the Africa Regional Office in Abuja."
        ),
        "body": (
            "<p>The Moscow City Government hosted the first ever online WeGO Executive Committee "
            "(EXCOM) Meeting under the theme ‘Rethinking Smart Cities: Agile and Connected’. "
            "Representatives of local governments, corporations and institutions took part in "
            "the one-day program of open and closed sessions.</p>"
            "<h2>Key outcomes</h2>"
            "<ul><li>Approval of the new Africa Regional Office in Abuja</li>"
            "<li>Launch of the WeGO 2030 Masterplan</li>"
            "<li>Approval of new members: 14 local governments, 7 corporations and 5 "
            "institutions</li>"
            "<li>Presentation of solution packaging outcomes of the Smart City Driver</li></ul>"
            "<p>331 participants, 24 session speakers, and a broadcast viewed by 924 people. "
            "The sponsors were beCloud and Seoul Business Agency. EXCOM 2021 will take place "
            "with the 5th WeGO General Assembly, scheduled for the third quarter of 2021.</p>"
        ),
        "office": "secretariat",
        "events": ["wego-excom-2020"],
        "organizations": ["moscow", "abuja"],
    },
    {
        "import_key": "2020-smart-health-responder-webinars",
        "title": "Smart Health Responder webinars share cities' answers to COVID-19",
        "slug": "smart-health-responder-webinars-2020",
        "when": (2020, 11),
        "categories": [HEALTH, PROGRAMS],
        "summary": (
            "Three webinars in May, July and November 2020 shared measures, results and "
            "citizen engagement in cities facing the pandemic."
        ),
        "body": (
            "<p>WeGO launched the Smart Health Responder, an information platform to share "
            "worldwide best practices in addressing public health challenges, with a Data "
            "Portal, a Knowledge Hub and Smart Health Assistance.</p>"
            "<ul><li><strong>May:</strong> sharing COVID-19 measures with local governments, "
            "smart tech solution providers and healthcare professionals.</li>"
            "<li><strong>July:</strong> exploring effects and results of COVID-19 in the "
            "Americas, and the steps cities took to let citizens get back to normal life.</li>"
            "<li><strong>November:</strong> citizen engagement, (re)connection in the new "
            "reality: a direct look at life on the ground in cities around the world.</li></ul>"
        ),
        "office": "secretariat",
        "programs": ["smart-health-responder"],
        "events": [
            "wego-smart-health-responder-webinar-part-1-sharing-covid-19-measures-with-local-governments-sm-2020",
            "wego-smart-health-responder-webinar-part-2-exploring-effects-and-results-of-covid-19-in-the-am-2020",
            "wego-smart-health-responder-webinar-part-3-citizen-engagement-reconnection-in-the-new-reality-2020",
        ],
    },
    {
        "import_key": "2020-4th-wego-awards",
        "title": "The 4th WeGO Awards recognize cities in six categories",
        "slug": "4th-wego-awards-2020",
        "when": (2020, None),
        "categories": [AWARDS],
        "summary": (
            "WeGO's triennial competition recognized local governments' ICT projects in "
            "Efficient Government, Emerging Technology, Mobility, Open and Inclusive City, Safe "
            "City and Sustainable City."
        ),
        "body": (
            "<p>Established in 2011, the WeGO Awards is WeGO's triennial competition that "
            "recognizes and promotes local governments with exemplary projects and solutions "
            "that use ICT to improve the quality of life of citizens.</p>"
            "<p>In 2020 the Awards were held in six categories: Efficient Government, Emerging "
            "Technology, Mobility, Open and Inclusive City, Safe City and Sustainable City, "
            "judged by a panel of six experts.</p>"
        ),
        "office": "secretariat",
        "award_editions": [2020],
        "award_result_cities": 2020,  # the members with a result link to the article
    },
    {
        "import_key": "2020-project-implementer-cauayan",
        "title": "Cauayan City selected for the Project Implementer 2020",
        "slug": "project-implementer-2020-cauayan",
        "when": (2020, 2),
        "categories": [PROGRAMS],
        "summary": (
            "Cauayan City in the Philippines is the final beneficiary city of the Project "
            "Implementer 2020; the project itself moves to 2021 because of COVID-19."
        ),
        "body": (
            "<p>Cauayan City from the Philippines has been selected as the final beneficiary "
            "city of the Project Implementer 2020, WeGO's flagship program formerly known as "
            "the Feasibility Study Program (F/S), which supports cities with financial and "
            "technical assistance in implementing smart city projects that address pressing "
            "urban challenges.</p>"
            "<p>Due to COVID-19, the selection of the solution provider and the execution of "
            "the project have been postponed to 2021.</p>"
        ),
        "office": "secretariat",
        "organizations": ["cauayan"],
        "programs": ["project-implementer"],
        "events": ["selection-of-the-project-implementer-2020-beneficiary-city"],
    },
]


def _moment(year: int, month: int | None) -> tuple[datetime.datetime, str]:
    if month is None:
        return datetime.datetime(year, 1, 1, 12, tzinfo=SEOUL), DatePrecision.YEAR
    return datetime.datetime(year, month, 1, 12, tzinfo=SEOUL), DatePrecision.MONTH


class Command(BaseCommand):
    help = "Load WeGO's 2020 news from the 2020 annual report. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for spec in ARTICLES:
            spec = dict(spec)
            published_at, precision = _moment(*spec.pop("when"))
            office = (
                Office.objects.filter(slug=spec.pop("office")).first() or Office.objects.first()
            )
            if office is None:
                self.stdout.write("News: no office loaded, skipped")
                return
            organizations = Organization.objects.filter(slug__in=spec.pop("organizations", []))
            if year := spec.pop("award_result_cities", None):
                organizations = organizations | Organization.objects.filter(
                    award_entries__category__edition__year=year,
                    award_entries__result__in=[Result.WINNER, Result.SPECIAL_MENTION],
                )
            _article, was_created = article_load(
                published_at=published_at,
                date_precision=precision,
                office=office,
                organizations=list(organizations.distinct()),
                events=list(Event.objects.filter(slug__in=spec.pop("events", []))),
                programs=list(Program.objects.filter(slug__in=spec.pop("programs", []))),
                award_editions=list(
                    Edition.objects.filter(year__in=spec.pop("award_editions", []))
                ),
                **spec,
            )
            created += was_created
        self.stdout.write(f"News: {len(ARTICLES)} articles ({created} new)")
