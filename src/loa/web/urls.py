"""URLs of the staff area (Vietnamese paths), the back-office admin and the language switch."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from loa.web import health
from loa.web.dashboard import views as dashboard
from loa.web.dispatches import views as dispatches
from loa.web.quiz import api as quiz_api
from loa.web.quiz.openapi import openapi_json
from loa.web.reports import views as reports
from loa.web.staff import views as staff

if settings.LOA_ADMIN_2FA:
    admin.site.__class__ = OTPAdminSite  # the back office asks for the TOTP code too
admin.site.site_header = "Loa — quản trị hệ thống"
admin.site.site_title = "Loa"

staff_patterns = [
    path("", staff.home, name="home"),
    path("dang-nhap/", staff.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("xac-thuc/", staff.otp_verify, name="otp-verify"),
    path("xac-thuc/dang-ky/", staff.otp_enrol, name="otp-enrol"),
    path("cong-van-den/", staff.inbox, name="inbox"),
    path("cong-van/", dispatches.dispatch_list, name="dispatches"),
    path("cong-van/moi/", dispatches.dispatch_create, name="dispatch-create"),
    path("cong-van/<int:pk>/", dispatches.dispatch_detail, name="dispatch"),
    path("cong-van/<int:pk>/sua/", dispatches.dispatch_edit, name="dispatch-edit"),
    path("cong-van/<int:pk>/gui/", dispatches.dispatch_send, name="dispatch-send"),
    path("cong-van/<int:pk>/van-ban.docx", dispatches.dispatch_docx, name="dispatch-docx"),
    path("cong-van/<int:pk>/tai-lieu/<path:path>", dispatches.pack_file, name="pack-file"),
    path("nhan/<int:pk>/xac-nhan/", dispatches.acknowledge, name="acknowledge"),
    path("nhan/<int:delivery_pk>/bao-cao-moi/", reports.report_create, name="report-create"),
    path("bao-cao/", reports.report_list, name="reports"),
    path("bao-cao/<int:pk>/", reports.report_detail, name="report"),
    path("bao-cao/<int:pk>/sua/", reports.report_edit, name="report-edit"),
    path("bao-cao/<int:pk>/nop/", reports.report_submit, name="report-submit"),
    path("bao-cao/<int:pk>/duyet/", reports.report_review, name="report-review"),
    path("bao-cao/<int:pk>/anh/", reports.photo_upload, name="photo-upload"),
    path("anh/<int:pk>/<str:variant>.jpg", reports.photo_file, name="photo"),
    path("anh/<int:pk>/dong-y/", reports.photo_consent, name="photo-consent"),
    path("chi-so/", dashboard.dashboard, name="dashboard"),
    path("chi-so/cong-van/<int:pk>/", dashboard.dashboard, name="dashboard-dispatch"),
    path("chi-so/cong-van/<int:pk>/tien-do.csv", dashboard.export_csv, name="export-csv"),
    path("chi-so/cong-van/<int:pk>/tien-do.xlsx", dashboard.export_xlsx, name="export-xlsx"),
    path("chi-so/cong-van/<int:pk>/bao-cao.docx", dashboard.export_report_docx, name="export-report"),
    path("don-vi/", staff.unit_list, name="units"),
    path("don-vi/<int:pk>/", staff.unit_detail, name="unit"),
    path("nhat-ky/", staff.audit_log, name="audit"),
]

urlpatterns = [
    path("", include((staff_patterns, "staff"))),
    path("dang-bai/", include("loa.web.publishing.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/quiz-results", quiz_api.quiz_results, name="api-quiz-results"),
    path("api/openapi.json", openapi_json, name="api-openapi"),
    path("quan-tri/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler500 = health.server_error  # a database or Redis outage answers 503 "retry", not an error page
handler400 = health.bad_request  # also when the outage hit while saving the session
