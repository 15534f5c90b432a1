"""The cases URLs: the person's case pages under "your applications", and the back office."""

from django.urls import path

from onegate.cases import views_citizen, views_staff

app_name = "cases"

CASE = "account/applications/case/<str:reference>/"
STAFF = "casework/cases/<str:reference>/"

urlpatterns = [
    path(CASE, views_citizen.case, name="case"),
    path(CASE + "answer/<uuid:request_id>/", views_citizen.answer, name="answer"),
    path(CASE + "withdraw/", views_citizen.withdraw, name="withdraw"),
    path(CASE + "review/", views_citizen.review, name="review"),
    path(CASE + "notice/", views_citizen.notice, name="notice"),
    path(CASE + "notice.pdf", views_citizen.notice_pdf, name="notice_pdf"),
    path(CASE + "files/<uuid:file_id>/", views_citizen.file, name="file"),
    path("casework/", views_staff.queues, name="queues"),
    path("casework/queue/", views_staff.queue, name="queue"),
    path("casework/take-next/", views_staff.take_next, name="take_next"),
    path(STAFF, views_staff.case, name="staff_case"),
    path(STAFF + "note/", views_staff.note, name="note"),
    path(
        STAFF + "request-information/", views_staff.request_information, name="request_information"
    ),
    path(STAFF + "decide/", views_staff.decide, name="decide"),
    path(STAFF + "confirm-refusal/", views_staff.confirm_refusal, name="confirm_refusal"),
    path(STAFF + "reject-refusal/", views_staff.reject_refusal, name="reject_refusal"),
    path(STAFF + "assign/", views_staff.assign, name="assign"),
    path(STAFF + "release/", views_staff.release, name="release"),
    path(STAFF + "uploads/<uuid:upload_id>/", views_staff.staff_upload, name="staff_upload"),
    path(STAFF + "files/<uuid:file_id>/", views_staff.staff_file, name="staff_file"),
    path(STAFF + "notice.pdf", views_staff.staff_notice_pdf, name="staff_notice_pdf"),
]
