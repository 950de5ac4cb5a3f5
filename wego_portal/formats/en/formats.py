"""English dates as WeGO writes them: "5 August 2020", "August 2020", "5 Aug 2020, 14:00".

The other languages use Django's own formats for their locale (e.g. Korean "2020년 8월 5일",
Chinese "2020年8月5日", Russian "5 августа 2020 г."): one date style per language, applied by
templates and code through the format names (``DATE_FORMAT``, ``YEAR_MONTH_FORMAT``…).
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
