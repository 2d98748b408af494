from django.urls import path

from .views import conventions, tracker, votes

app_name = "deliberation"

urlpatterns = [
    path("", votes.index, name="index"),
    path("notices/", votes.public_notices, name="notices"),
    path("reviews/", votes.reviews, name="reviews"),
    path("proposals/new/", votes.proposal_new, name="proposal_new"),
    path("proposals/<int:proposal_id>/", votes.proposal_detail, name="proposal"),
    path("votes/<int:vote_id>/", votes.vote_detail, name="vote"),
    path("votes/<int:vote_id>/ballot/", votes.vote_ballot, name="ballot"),
    path("votes/<int:vote_id>/move/", votes.vote_move, name="vote_move"),
    path("votes/<int:vote_id>/desk/", votes.vote_desk, name="desk"),
    path("votes/<int:vote_id>/receipts/", votes.vote_receipts, name="receipts"),
    path("cost-shares/<int:plan_id>/", votes.cost_share_detail, name="cost_share"),
    path("meetings/", tracker.meeting_list, name="meetings"),
    path("meetings/<int:meeting_id>/", tracker.meeting_detail, name="meeting"),
    path("tasks/", tracker.task_list, name="tasks"),
    path("tasks/<int:task_id>/", tracker.task_detail, name="task"),
    path("tasks/<int:task_id>/move/", tracker.task_move, name="task_move"),
    path("conventions/", conventions.convention_list, name="conventions"),
    path("conventions/<int:convention_id>/", conventions.convention_detail, name="convention"),
]
