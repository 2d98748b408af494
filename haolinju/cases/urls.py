from django.urls import path

from . import views, views_mediation

app_name = "cases"

urlpatterns = [
    path("", views.my_requests, name="mine"),
    path("new/", views.case_new, name="new"),
    path("board/", views.board, name="board"),
    path("orders/", views.my_orders, name="orders"),
    path("whistles/", views.whistles, name="whistles"),
    path("reviews/", views_mediation.reviews, name="reviews"),
    path("<int:case_id>/", views.case_page, name="detail"),
    path("<int:case_id>/act/", views.case_act, name="act"),
    path("<int:case_id>/suggestions/", views.suggestions, name="suggestions"),
    path("photos/<int:attachment_id>/", views.attachment, name="photo"),
]
