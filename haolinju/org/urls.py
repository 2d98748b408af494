from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("areas/<int:area_id>/", views.area_manage, name="manage"),
]
