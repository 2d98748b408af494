from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "haolinju.cases"
    label = "cases"
    verbose_name = _("诉求与服务")
    default_auto_field = "django.db.models.BigAutoField"
