from django.urls import path

from . import views, views_manage

app_name = "points"

urlpatterns = [
    path("", views.home, name="home"),
    path("shop/", views.shop_page, name="shop"),
    path("shop/reserve/", views.reserve, name="reserve"),
    path("redemptions/<int:redemption_id>/<str:action>/", views.resolve, name="resolve"),
    path("review/<int:compound_id>/", views.review, name="review"),
    path("lock/<int:community_id>/", views.lock, name="lock"),
    path("desk/<int:station_id>/", views.desk, name="desk"),
    path("stations/new/", views_manage.station_new, name="station_new"),
    path("stations/<int:station_id>/", views_manage.station, name="station"),
    path("stations/<int:station_id>/items/new/", views_manage.item_new, name="item_new"),
    path("items/<int:item_id>/edit/", views_manage.item_edit, name="item_edit"),
    path("rules/<int:area_id>/", views_manage.rules_page, name="rules"),
    path("notices/publish/", views.publish, name="publish"),
    path("notices/<int:compound_id>/<int:year>/", views.notice_page, name="notice"),
    path("notices/<int:compound_id>/<int:year>/xlsx/", views.notice_xlsx, name="notice_xlsx"),
]
