from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Article, Author
from .renditions import make_renditions_safely


@receiver(post_save, sender=Article, dispatch_uid="article_cover_renditions")
def make_cover_renditions(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # loaded from an export: the files may not have arrived yet
    make_renditions_safely(instance.cover_image)


@receiver(post_save, sender=Author, dispatch_uid="author_photo_renditions")
def make_photo_renditions(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # loaded from an export: the files may not have arrived yet
    make_renditions_safely(instance.photo)
