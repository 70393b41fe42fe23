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


# The Vietnamese province's results kept as data (docs/vietnam.md): each produced by a procedure and
# standing for the paper another procedure asks for (a building permit for its amendment, a land
# certificate for a building permit, a marital status certificate for a marriage).
REGION_TYPES = {
    "quang-nam": [
        ("VN_BIRTH", "Giấy khai sinh", "hoian-minhan", P, ("child_name", "born_on"), None, "", "1.001193"),
        ("VN_MARRIAGE", "Giấy chứng nhận kết hôn", "hoian-minhan", P, ("spouse_name", "registered_on"), None,
         "", "1.000894"),
        ("VN_MARITAL_STATUS", "Giấy xác nhận tình trạng hôn nhân", "hoian-minhan", P, ("status", "issued_on"),
         None, "single_status", "1.004873"),
        ("VN_HOUSEHOLD_BUSINESS", "Giấy chứng nhận đăng ký hộ kinh doanh", "hoian-tckh", P,
         ("business_name", "registered_on"), None, "", "1.001612"),
        ("VN_BUILDING_PERMIT", "Giấy phép xây dựng", "hoian-qldt", P, ("address", "issued_on"), None,
         "permit", "1.013225"),
        ("VN_LAND", "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "qn-vpdkdd",
         P, ("parcel", "issued_on"), None, "land_certificate", "1.012753"),
    ],
}  # fmt: skip


def load_types(region: str = "") -> int:
    """The centre's certificate types, or a further demo region's (`region`, after its catalog)."""
    rows = REGION_TYPES[region] if region else [(*row, PRODUCED_BY.get(row[0], "")) for row in TYPES]
    made = 0
    for code, name, department, holder, fields, years, material, item in rows:
        _kind, created = CertificateType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "department": Department.objects.get(code=department),
                "holder_kind": holder,
                "fields_schema": _schema(*fields),
                "valid_years": years,
                "material_code": material,
                "item_code": item,
            },
        )
        made += created
    return made
