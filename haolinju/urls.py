from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("haolinju.accounts.urls")),
    path("people/", include("haolinju.people.urls")),
    path("io/", include("haolinju.people.io_urls")),
    path("points/", include("haolinju.points.urls")),
    path("cases/", include("haolinju.cases.urls")),
    path("open311/v2/", include(("haolinju.cases.open311", "open311"))),
    path("deliberation/", include("haolinju.deliberation.urls")),
    path("inbox/", include("haolinju.core.urls")),
    path("manage/", include("haolinju.org.urls")),
    path("activities/", include("haolinju.activities.urls")),
    path("", include("haolinju.dashboard.urls")),
]
