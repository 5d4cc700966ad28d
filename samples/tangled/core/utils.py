import datetime as dt
import re

from django.utils import timezone

_NUMBER_RE = re.compile(r"^(?P<prefix>[A-Z]+)-(?P<year>\d{4})-(?P<seq>\d{6})$")


def next_number(prefix: str, last_number: str | None) -> str:
    """ORD-2024-000123 style numbers, restarting every year."""
    year = timezone.now().year
    seq = 1
    if last_number:
        match = _NUMBER_RE.match(last_number)
        if match and int(match["year"]) == year:
            seq = int(match["seq"]) + 1
    return f"{prefix}-{year}-{seq:06d}"


def parse_date_range(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today - dt.timedelta(days=30)
    try:
        end = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
    if end < start:
        start, end = end, start
    return start, end


def paginate(queryset, request, per_page: int = 50):
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    offset = (page - 1) * per_page
    return queryset[offset:offset + per_page], page
