"""The project's URLs plus this package's API router and pages, whether or not the lead has
wired them into ``haolinju/api.py`` and ``haolinju/urls.py`` yet (ours come first)."""

from django.urls import include, path
from ninja import NinjaAPI

from haolinju.accounts.api import API_AUTH
from haolinju.core.api_errors import install_error_handlers
from haolinju.people.imports.api import router

api = NinjaAPI(auth=API_AUTH, urls_namespace="io_test_api", docs_url=None)
install_error_handlers(api)
api.add_router("", router)

urlpatterns = [
    path("api/v1/", api.urls),
    path("io/", include("haolinju.people.io_urls")),
    path("", include("haolinju.urls")),
]
