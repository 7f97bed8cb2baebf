from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "loa.web.access"
    label = "access"
    verbose_name = _("Phân quyền và nhật ký")

    def ready(self) -> None:
        from loa.web.access import sessions

        sessions.connect()
