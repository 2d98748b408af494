from django.urls import path

from . import views

app_name = "deliberation"

urlpatterns = [
    path("", views.index, name="index"),
    path("notices/", views.public_notices, name="notices"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("votes/<int:vote_id>/", views.vote_detail, name="vote"),
    path("votes/<int:vote_id>/ballot/", views.vote_ballot, name="ballot"),
    path("votes/<int:vote_id>/move/", views.vote_move, name="vote_move"),
    path("votes/<int:vote_id>/desk/", views.vote_desk, name="desk"),
    path("votes/<int:vote_id>/receipts/", views.vote_receipts, name="receipts"),
    path("cost-shares/<int:plan_id>/", views.cost_share_detail, name="cost_share"),
]
