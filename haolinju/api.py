"""The JSON API at /api/v1/: one NinjaAPI, one router per domain app."""

from __future__ import annotations

from ninja import NinjaAPI

from haolinju.accounts.api import API_AUTH
from haolinju.accounts.api import router as auth_router
from haolinju.activities.api import router as activities_router
from haolinju.cases.api import router as cases_router
from haolinju.core.api_errors import install_error_handlers
from haolinju.core.api_notifications import router as notifications_router
from haolinju.dashboard.api import router as areas_router
from haolinju.deliberation.api import router as deliberation_router
from haolinju.org.api import AREA_UPDATE
from haolinju.org.api import router as area_admin_router
from haolinju.people.api import router as people_router
from haolinju.people.imports.api import router as imports_router
from haolinju.points.api import notice_router, shop_router
from haolinju.points.api import router as points_router

api = NinjaAPI(
    title="Haolinju API",
    version="1",
    description="好邻居 platform API. Authenticate with `POST /api/v1/auth/token`, then send "
    "`Authorization: Bearer <token>`.",
    auth=API_AUTH,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("", auth_router)
areas_router.add_api_operation(**AREA_UPDATE)  # same path as GET /areas/{id}
api.add_router("", areas_router)
api.add_router("", people_router)
api.add_router("", imports_router)
api.add_router("", deliberation_router)
api.add_router("", notifications_router)
api.add_router("", area_admin_router)
api.add_router("", points_router)
api.add_router("", shop_router)
api.add_router("", notice_router)
api.add_router("", cases_router)
api.add_router("", activities_router)
