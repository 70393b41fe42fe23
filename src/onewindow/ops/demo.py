"""Demo data: the catalog of a Dongguan-like city service centre and one user per role (password `demo`)."""

from importlib.resources import files

from django.db import transaction

from onewindow.catalog.models import Department, Region
from onewindow.catalog.selectors import checklist, published_item, regions_under
from onewindow.catalog.transfer import ImportSummary, apply_catalog, import_catalog, parse
from onewindow.core.demo_users import ensure_user
from onewindow.core.ids import resident_id_check_digit, uscc_check_character
from onewindow.core.models import Role, User
from onewindow.core.workdays import UnknownYear

DEMO_USERS = [
    ("admin", Role.ADMIN),
    ("clerk", Role.CLERK),
    ("supervisor", Role.SUPERVISOR),
    ("agent", Role.AGENT),
    ("citizen", Role.CITIZEN),
    ("enterprise", Role.ENTERPRISE),
]
# The demo applicant accounts' real-name verification: each files only under its own ID.
DEMO_CITIZEN_ID = "11010519491231002X"


def demo_catalog_text() -> str:
    return files("onewindow.catalog").joinpath("fixtures/demo_catalog.yaml").read_text(encoding="utf-8")


# Further demo regions, loaded beside the Chinese centre into one instance (docs/demo.md).
REGION_CATALOGS = {"quang-nam": "fixtures/quang_nam_catalog.yaml"}


REGION_ROOTS = {"quang-nam": "VN49"}
# The online applicant of the Vietnamese province: a citizen of Quảng Nam (province code 049).
DEMO_VN_CITIZEN = ("citizen-vn", "049190001234")
DEMO_VN_ENTERPRISE = ("doanh-nghiep-vn", "4000100019")  # a Quảng Nam code (tax office 40)


@transaction.atomic
def load_region_catalog(region: str) -> ImportSummary:
    """A further demo region: its units and procedures, a one-stop section with a clerk for every unit
    that has departments, a reviewer for each department and an online citizen (password `demo`)."""
    from onewindow.hall.demo import load_region_halls

    text = files("onewindow.catalog").joinpath(REGION_CATALOGS[region]).read_text(encoding="utf-8")
    summary = import_catalog(text)
    root = Region.objects.get(code=REGION_ROOTS[region])
    load_region_halls(root)
    for department in Department.objects.filter(region__in=regions_under(root.code)):
        ensure_user(f"reviewer-{department.code}", Role.REVIEWER, department)
    from onewindow.certificates.demo import load_types

    load_types(region)  # its results kept as data
    username, number = DEMO_VN_CITIZEN
    ensure_user(username, Role.CITIZEN, verified_id=("vn_citizen_id", number))
    username, number = DEMO_VN_ENTERPRISE
    ensure_user(username, Role.ENTERPRISE, verified_id=("vn_enterprise", number))
    return summary


@transaction.atomic
def load_demo() -> tuple[ImportSummary, int]:
    """Load (or refresh) the demo catalog and users; running it again changes nothing."""
    catalog = parse(demo_catalog_text())
    summary = apply_catalog(catalog)
    verified = {
        "citizen": ("resident_id", DEMO_CITIZEN_ID),
        "enterprise": ("uscc", DEMO_ENTERPRISE_ID),
    }
    created = sum(
        ensure_user(username, role, verified_id=verified.get(username, ("", "")))
        for username, role in DEMO_USERS
    )
    # Reviewers for the centre's own departments (another demo region brings its own staff).
    codes = [entry.code for entry in catalog.departments]
    for department in Department.objects.filter(code__in=codes):
        created += ensure_user(f"reviewer-{department.code}", Role.REVIEWER, department)
    from onewindow.hall.demo import load_demo_halls

    created += load_demo_halls()
    return summary, created


def _person_id(region: str, born: str, sequence: int) -> str:
    first17 = f"{region}{born}{sequence:03d}"
    return first17 + resident_id_check_digit(first17)


def _enterprise_code(body: str) -> str:
    first17 = f"91441900{body}"
    return first17 + uscc_check_character(first17)


DEMO_ENTERPRISE_ID = _enterprise_code("MA4W7X2K3")

# (filed by, item, applicant, ID type, ID number, answers, channel, then (user, action, extra) steps)
_RETIRE = {"insured_as": "employee", "retire_type": "normal", "other_province": "none", "years": "enough"}
DEMO_CASES = [
    (
        "clerk",
        "RS-001",
        "陈志强",
        "resident_id",
        _person_id("441900", "19650312", 101),
        _RETIRE,
        "window",
        [("clerk", "accept", {}), ("reviewer-rsj", "review", {})],
    ),
    (
        "clerk",
        "RS-001",
        "黄丽萍",
        "resident_id",
        _person_id("441900", "19700505", 202),
        {**_RETIRE, "insured_as": "flexible", "retire_type": "illness"},
        "window",
        [
            (
                "clerk",
                "request_supplement",
                {"note": "缺劳动能力鉴定结论书", "supplement": ["disability_appraisal"]},
            )
        ],
    ),
    (
        "clerk",
        "GJ-001",
        "陈志强",
        "resident_id",
        _person_id("441900", "19650312", 101),
        {},
        "window",
        [
            ("clerk", "accept", {}),
            ("reviewer-gjj", "approve", {}),
            ("clerk", "deliver", {"delivery_method": "window"}),
        ],
    ),
    (
        "clerk",
        "GJ-002",
        "刘伟",
        "resident_id",
        _person_id("441900", "19880921", 303),
        {"house": "resale", "married": "with_spouse"},
        "window",
        [
            ("clerk", "accept", {}),
            (
                "reviewer-gjj",
                "request_supplement",
                {"note": "结婚证复印件不清晰", "supplement": ["marriage_certificate"]},
            ),
        ],
    ),
    (
        "clerk",
        "YB-001",
        "陈志强",
        "resident_id",
        _person_id("441900", "19650312", 101),
        {"medical_years": "enough"},
        "window",
        [("clerk", "accept", {})],
    ),
    (
        "clerk",
        "MZ-001",
        "王芳",
        "resident_id",
        _person_id("441900", "19960218", 404),
        {"previously_married": "first"},
        "window",
        [("clerk", "accept", {}), ("reviewer-mz", "approve", {})],
    ),
    (
        "enterprise",
        "SC-001",
        "东莞市新晨科技有限公司",
        "uscc",
        DEMO_ENTERPRISE_ID,
        {"shareholders": "natural_persons", "premises": "leased", "agent": "self"},
        "online",
        [],
    ),
    (
        "citizen",
        "GA-002",
        "张小明",
        "resident_id",
        DEMO_CITIZEN_ID,
        {"basis": "job"},
        "mobile",
        [],
    ),
]


def load_demo_cases(only_into_empty: bool = True) -> int:
    """A few cases in different states, filed today through the same services as real ones. Only
    into an empty case table unless told otherwise (the demo's history comes first); returns how
    many were made."""
    from onewindow.cases import services
    from onewindow.cases.models import Case

    if only_into_empty and Case.objects.exists():
        return 0
    users = {u.username: u for u in User.objects.all()}
    made = 0
    for filed_by, item, name, id_type, number, answers, channel, steps in DEMO_CASES:
        materials = {m.code: "received" for m in checklist(published_item(item), answers).materials}
        submission = services.Submission(
            item=item,
            answers=answers,
            channel=channel,
            materials=materials if filed_by == "clerk" else {},
            applicant=services.Applicant(name=name, id_type=id_type, id_number=number, phone="13800138000"),
        )
        try:
            with transaction.atomic():
                case, _created = services.submit_case(users[filed_by], submission)
                for username, action, extra in steps:
                    services.act(users[username], case.pk, services.ActionInput(action=action, **extra))
        except UnknownYear:
            continue  # the holiday data does not reach the due date yet: leave this case out
        made += 1
    return made


def load_demo_certificates() -> int:
    """Certificates for the demo citizens and the demo enterprise, issued and signed like any other
    (so that cases can use them instead of paper); only into an empty certificate table."""
    from onewindow.certificates import services
    from onewindow.certificates.demo import load_types
    from onewindow.certificates.models import Certificate

    from .history import FAMILY_NAMES, GIVEN_NAMES, _resident_id

    load_types()
    if Certificate.objects.exists():
        return 0
    home = "东莞市南城街道宏图路 8 号"
    plans = [
        ("RESIDENT_ID", DEMO_CITIZEN_ID, "李明", {"address": home, "birth_date": "1949-12-31"}),
        ("HOUSEHOLD", DEMO_CITIZEN_ID, "李明", {"address": home, "relation": "户主"}),
        ("MARRIAGE", DEMO_CITIZEN_ID, "李明", {"spouse_name": "王芳", "registered_on": "1975-05-01"}),
        ("RETIREMENT", DEMO_CITIZEN_ID, "李明", {"retired_on": "2009-12-31", "pension_start": "2010-01"}),
        ("BUSINESS_LICENCE", DEMO_ENTERPRISE_ID, "东莞市新晨科技有限公司",
         {"legal_representative": "陈新", "address": "东莞市松山湖科技园 1 号", "scope": "软件开发"}),
        ("FOOD_LICENCE", DEMO_ENTERPRISE_ID, "东莞市新晨科技有限公司", {"premises": "员工食堂"}),
    ]  # fmt: skip
    for n in range(1, 31):
        name = FAMILY_NAMES[n % len(FAMILY_NAMES)] + GIVEN_NAMES[(n * 7) % len(GIVEN_NAMES)]
        plans.append(("RESIDENT_ID", _resident_id(n), name, {"address": f"东莞市石龙镇中山路 {n} 号"}))
    for type_code, holder, name, surface in plans:
        certificate = services.issue(services.Issuance(type_code, holder, name, surface))
        if certificate.holder_kind == "enterprise":  # the demo enterprise shows its licences on its code page
            certificate.shown_publicly = True
            certificate.save(update_fields=["shown_publicly"])
    return len(plans)


def load_demo_registers() -> int:
    """The local registers' records of the demo citizens and enterprise (only into empty registers)."""
    from onewindow.shareddata.demo import load_registers
    from onewindow.shareddata.models import Register, RegisterRecord

    from .history import FAMILY_NAMES, GIVEN_NAMES, _resident_id

    load_registers()
    if RegisterRecord.objects.exists():
        return 0
    registers = {r.code: r for r in Register.objects.all()}
    citizen = {
        "name": "李明",
        "gender": "男",
        "birth_date": "1949-12-31",
        "address": "东莞市南城街道宏图路 8 号",
    }
    insured = {"insured_as": "employee", "pension_years": 38, "medical_years": 30, "other_province": "none"}
    enterprise = {
        "name": "东莞市新晨科技有限公司",
        "legal_representative": "陈新",
        "address": "东莞市松山湖科技园 1 号",
    }
    records = [
        ("population", DEMO_CITIZEN_ID, citizen),
        ("social_insurance", DEMO_CITIZEN_ID, insured),
        ("enterprise", DEMO_ENTERPRISE_ID, enterprise),
    ]
    for n in range(1, 31):
        name = FAMILY_NAMES[n % len(FAMILY_NAMES)] + GIVEN_NAMES[(n * 7) % len(GIVEN_NAMES)]
        person = _resident_id(n)
        records.append(("population", person, {"name": name, "address": f"东莞市石龙镇中山路 {n} 号"}))
        paid = {"pension_years": 5 + n, "medical_years": 3 + n, "other_province": "none"}
        records.append(
            ("social_insurance", person, {"insured_as": "employee" if n % 3 else "flexible", **paid})
        )
    RegisterRecord.objects.bulk_create(
        RegisterRecord(register=registers[code], subject_id=subject, values=values)
        for code, subject, values in records
    )
    return len(records)
