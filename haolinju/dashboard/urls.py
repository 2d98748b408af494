from django.urls import path

from . import views, views_calendar

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("areas/", views.area_index, name="areas"),
    path("areas/<int:area_id>/", views.area, name="area"),
    path("areas/<int:area_id>/children/", views.area_children_page, name="area_children"),
    path("calendar/", views_calendar.calendar_page, name="calendar"),
    path("more/", views.more, name="more"),
]
