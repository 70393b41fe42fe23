"""Certificate types the platform knows from the start (the demo's departments issue them)."""

from __future__ import annotations

from onewindow.catalog.models import Department

from .models import CertificateType, HolderKind


def _schema(*fields: str) -> dict:
    return {
        "type": "object",
        "properties": {name: {"type": "string", "maxLength": 200} for name in fields},
        "required": list(fields[:1]),
    }


# code, name, department, holder, fields, years valid, material it stands for
P, E = HolderKind.PERSON, HolderKind.ENTERPRISE
TYPES = [
    ("RESIDENT_ID", "居民身份证", "ga", P, ("address", "birth_date", "gender"), 20, "id_card"),
    ("HOUSEHOLD", "户口簿（户籍证明）", "ga", P, ("address", "relation"), None, "household_register"),
    ("MARRIAGE", "结婚证", "mz", P, ("spouse_name", "registered_on"), None, "marriage_certificate"),
    ("BIRTH", "出生医学证明", "wjj", P, ("child_name", "born_on", "hospital"), None, "birth_certificate"),
    ("BUSINESS_LICENCE", "营业执照", "scjg", E, ("legal_representative", "address", "scope"), None,
     "business_licence"),
    ("RETIREMENT", "退休审批表", "rsj", P, ("retired_on", "pension_start"), None, "retirement_approval"),
    ("FOOD_LICENCE", "食品经营许可证", "scjg", E, ("premises", "categories"), 5, "food_licence"),
    ("QUALIFICATION", "职业资格证书", "rsj", P, ("profession", "level"), None, "qualification_certificate"),
]  # fmt: skip


# Catalog items whose approval issues a certificate (the decision's data fills its fields).
PRODUCED_BY = {
    "RETIREMENT": "RS-001",
    "MARRIAGE": "MZ-001",
    "BUSINESS_LICENCE": "SC-001",
    "FOOD_LICENCE": "SC-005",
    "BIRTH": "WJ-001",
}


def load_types() -> int:
    made = 0
    for code, name, department, holder, fields, years, material in TYPES:
        _kind, created = CertificateType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "department": Department.objects.get(code=department),
                "holder_kind": holder,
                "fields_schema": _schema(*fields),
                "valid_years": years,
                "material_code": material,
                "item_code": PRODUCED_BY.get(code, ""),
            },
        )
        made += created
    return made
