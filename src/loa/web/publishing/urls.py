"""URLs of the publishing pages, under /dang-bai/ (included once from loa.web.urls)."""

from django.urls import path

from loa.web.publishing import views

app_name = "publishing"

urlpatterns = [
    path("", views.index, name="index"),
    path("tai-khoan/moi/<str:channel>/", views.account_connect, name="account-connect"),
    path("tai-khoan/<int:pk>/sua/", views.account_edit, name="account-edit"),
    path("tai-khoan/<int:pk>/ke-hoach/", views.plan, name="plan"),
    path("tai-khoan/<int:pk>/tin-truyen-thong/", views.broadcast, name="broadcast"),
    path("bai/<int:pk>/", views.post_detail, name="post"),
    path("bai/<int:pk>/duyet/", views.post_approve, name="post-approve"),
    path("bai/<int:pk>/gui/", views.post_send, name="post-send"),
]
