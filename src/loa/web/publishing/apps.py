from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "loa.web.publishing"
    label = "publishing"
    verbose_name = "Đăng bài lên mạng xã hội"
