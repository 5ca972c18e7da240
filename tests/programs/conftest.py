import pytest
from django.urls import reverse


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Staff accounts made for these tests need no slow, secure hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def reorder_in_list(client, orders, **kwargs):
    """Post the admin's program list with new orders typed in, and Save, as staff do:
    `orders` maps each program to its new sort order."""
    data = {"form-TOTAL_FORMS": str(len(orders)), "form-INITIAL_FORMS": str(len(orders))}
    for index, (program, order) in enumerate(orders.items()):
        data |= {f"form-{index}-id": program.pk, f"form-{index}-sort_order": str(order)}
    return client.post(
        reverse("admin:programs_program_changelist"), data | {"_save": "Save"}, **kwargs
    )
