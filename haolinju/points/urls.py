from django.urls import path

from . import views

app_name = "points"

urlpatterns = [
    path("", views.home, name="home"),
    path("shop/", views.shop_page, name="shop"),
    path("shop/reserve/", views.reserve, name="reserve"),
    path("redemptions/<int:redemption_id>/<str:action>/", views.resolve, name="resolve"),
    path("review/<int:compound_id>/", views.review, name="review"),
    path("lock/<int:community_id>/", views.lock, name="lock"),
    path("desk/<int:station_id>/", views.desk, name="desk"),
    path("notices/publish/", views.publish, name="publish"),
    path("notices/<int:compound_id>/<int:year>/", views.notice_page, name="notice"),
    path("notices/<int:compound_id>/<int:year>/xlsx/", views.notice_xlsx, name="notice_xlsx"),
]
