from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "loa.web.staff"
    label = "staff"
    verbose_name = _("Khu vực cán bộ")

    def ready(self) -> None:
        from loa.web import checks  # noqa: F401 - registers the start-up checks
