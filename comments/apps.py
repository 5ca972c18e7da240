from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Reader comments"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .selectors import forget_reader_expiry

        user_logged_in.connect(forget_reader_expiry, dispatch_uid="comments.reader_expiry")
