from typing import Any

from django.contrib import admin

from loa.web.dashboard import learning
from loa.web.quiz.models import QuizResult


@admin.register(QuizResult)
class QuizResultAdmin(admin.ModelAdmin):
    """Read-only: results come only from the API; the back office may delete a bad batch, which
    leaves the learning indicator's tally too (`learning.forget`)."""

    list_display = ("received_at", "quiz", "audience", "code", "unit", "score", "answers")
    list_filter = ("quiz", "audience")
    search_fields = ("code",)
    raw_id_fields = ("unit",)

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False

    def delete_model(self, request: Any, obj: QuizResult) -> None:
        learning.forget(QuizResult.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        learning.forget(queryset)
