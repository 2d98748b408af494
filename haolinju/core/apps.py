from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "haolinju.core"
    label = "core"
    verbose_name = "Core"
