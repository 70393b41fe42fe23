"""Demo data: the catalog of a Dongguan-like city service centre and one user per role (password `demo`)."""

from importlib.resources import files

from django.db import transaction

from onewindow.catalog.models import Department
from onewindow.catalog.transfer import ImportSummary, import_catalog

from .models import Role, User

DEMO_PASSWORD = "demo"
DEMO_USERS = [
    ("admin", Role.ADMIN),
    ("clerk", Role.CLERK),
    ("supervisor", Role.SUPERVISOR),
    ("citizen", Role.CITIZEN),
    ("enterprise", Role.ENTERPRISE),
]


def demo_catalog_text() -> str:
    return files("onewindow.catalog").joinpath("fixtures/demo_catalog.yaml").read_text(encoding="utf-8")


def _ensure_user(username: str, role: str, department=None) -> bool:
    user, created = User.objects.get_or_create(
        username=username, defaults={"role": role, "department": department}
    )
    if created:
        user.is_staff = role in {Role.ADMIN, Role.SUPERVISOR}
        user.is_superuser = role == Role.ADMIN
        user.set_password(DEMO_PASSWORD)
        user.save()
    return created


@transaction.atomic
def load_demo() -> tuple[ImportSummary, int]:
    """Load (or refresh) the demo catalog and users; running it again changes nothing."""
    summary = import_catalog(demo_catalog_text())
    created = sum(_ensure_user(username, role) for username, role in DEMO_USERS)
    for department in Department.objects.all():
        created += _ensure_user(f"reviewer-{department.code}", Role.REVIEWER, department)
    return summary, created
