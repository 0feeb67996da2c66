"""One date style in every language (docs/conventions.md, "Time"): the day, the
month in its in-a-date form ("E": "7 декабря 2026", "7 dekabr 2026", "7 December 2026"), the
year; times on the 24-hour clock, with the zone beside them where two sides read them."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j E Y"
SHORT_DATETIME_FORMAT = "j E Y, H:i"
MONTH_DAY_FORMAT = "j E"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
