from django.apps import AppConfig


class ResolutionsConfig(AppConfig):
    name = "resolutions"
    verbose_name = "Resolutions"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the security checks)
