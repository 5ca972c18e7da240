from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Programs and courses"

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
