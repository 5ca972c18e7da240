from django.db.models.signals import post_save
from django.dispatch import receiver

from articles.renditions import make_renditions_safely

from .models import Program


@receiver(post_save, sender=Program, dispatch_uid="program_image_renditions")
def make_image_renditions(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # loaded from an export: the files may not have arrived yet
    make_renditions_safely(instance.image)
