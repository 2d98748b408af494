from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_new, name="new"),
    path("<int:activity_id>/", views.activity_detail, name="detail"),
    path("<int:activity_id>/signup/", views.activity_signup, name="signup"),
    path("<int:activity_id>/transition/", views.activity_transition, name="transition"),
    path("<int:activity_id>/manage/", views.activity_manage, name="manage"),
    path("<int:activity_id>/manage/code/", views.checkin_code, name="code"),
    path("<int:activity_id>/manage/roster/", views.checkin_count, name="roster"),
    path("<int:activity_id>/manage/records/", views.record_action, name="record_action"),
    path("<int:activity_id>/manage/scan/", views.organiser_scan, name="organiser_scan"),
    path("<int:activity_id>/scan/", views.scan, name="scan"),
    path("my-code/", views.my_code, name="my_code"),
    path("my-code/svg/", views.my_code_svg, name="my_code_svg"),
    path("record/", views.record, name="record"),
    path("record/<int:person_id>/", views.record, name="record_of"),
    path("record/<int:person_id>/certificate/", views.certificate_issue, name="certify"),
    path("certificates/<str:number>/", views.certificate_page, name="certificate"),
    path("certificates/<str:number>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("verify/<str:number>/", views.certificate_verify, name="verify"),
    path("feeds/", views.feeds, name="feeds"),
    path("feeds/<str:token>.ics", views.feed_ics, name="feed_ics"),
    path("needs/", views.needs, name="needs"),
    path("review/", views.review, name="review"),
    path("library/", views.library, name="library"),
    path("library/<int:item_id>/", views.library_edit, name="library_edit"),
]
