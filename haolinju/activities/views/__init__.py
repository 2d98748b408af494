"""Activity pages (phone first). Thin: reads through ``selectors``, writes through
``services``; errors become form messages, 404 or 403 (``core.web.application_errors``)."""

from .activities import (  # noqa: F401
    activity_detail,
    activity_list,
    activity_manage,
    activity_new,
    activity_signup,
    activity_transition,
    checkin_code,
    checkin_count,
    organiser_scan,
    record_action,
    scan,
)
from .library import library, library_edit  # noqa: F401
from .records import (  # noqa: F401
    certificate_issue,
    certificate_page,
    certificate_pdf,
    certificate_verify,
    feed_ics,
    feeds,
    my_code,
    my_code_svg,
    needs,
    record,
)
from .review import review  # noqa: F401
