from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "loa.web.dashboard"
    label = "dashboard"
    verbose_name = _("Chỉ số")

    def ready(self) -> None:
        from loa.web.dashboard import progress

        progress.connect()
