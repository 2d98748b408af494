from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("ledgers/", views.ledgers, name="ledgers"),
    path("reads/", views.data_read_review, name="reads"),
    path("reads.xlsx", views.data_read_export, name="reads_export"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/reveal/", views.person_reveal, name="reveal"),
]
