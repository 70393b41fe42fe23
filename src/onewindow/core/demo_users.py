"""Demo accounts, shared by every component's demo data (all with the password `demo`)."""

import functools

from django.contrib.auth.hashers import make_password

from .models import Role, User

DEMO_PASSWORD = "demo"


def ensure_user(username: str, role: str, department=None, verified_id: tuple[str, str] = ("", "")) -> bool:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "role": role,
            "department": department,
            "verified_id_type": verified_id[0],
            "verified_id_number": verified_id[1],
        },
    )
    if not created and verified_id[1] and not user.verified_id_number:  # a demo made before verification
        user.verified_id_type, user.verified_id_number = verified_id
        user.save(update_fields=["verified_id_type", "verified_id_number"])
    if created:
        user.is_staff = role in {Role.ADMIN, Role.SUPERVISOR}
        user.is_superuser = role == Role.ADMIN
        user.password = _demo_password_hash()
        user.save()
    return created


@functools.cache
def _demo_password_hash() -> str:
    """Hashed once per process: the demo's dozens of users share the password `demo`, and hashing it
    for each (a third of a second apiece, on purpose) was a fifth of `make demo`."""
    return make_password(DEMO_PASSWORD)
