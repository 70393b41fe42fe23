"""The registers the platform knows from the start: kept locally (the demo's people and enterprises
are loaded by ops/demo.py); an installation points them at the real registers' services instead."""

from .models import Register

REGISTERS = [
    ("population", "人口库（户籍登记）"),
    ("enterprise", "企业登记库"),
    ("social_insurance", "社会保险参保缴费记录"),
]


def load_registers() -> int:
    made = 0
    for code, name in REGISTERS:
        _register, created = Register.objects.get_or_create(code=code, defaults={"name": name})
        made += created
    return made
