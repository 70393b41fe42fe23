"""The catalog file format (YAML), as Pydantic models. `extra="forbid"`: an unknown key is an error."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from .models import (
    CHANNELS,
    Calendar,
    DaysUnit,
    ItemStatus,
    ItemType,
    LifeEvent,
    MaterialKind,
    OnlineLevel,
    PaymentStage,
    Region,
)

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=40)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Translations = dict[str, dict[str, str]]
Count = Annotated[int, Field(ge=0, strict=True)]


def _choices(choices) -> Any:
    return Literal[tuple(choices.values)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=True)


class RegionEntry(_Entry):
    code: Code
    name: Text
    level: _choices(Region.Level)
    area: _choices(Region.Area) = ""
    parent: Code | None = None
    translations: Translations = {}


class DepartmentEntry(_Entry):
    code: Code
    name: Text
    short_name: Text
    region: Code
    calendar: _choices(Calendar) = "CN"
    address: str = ""
    phone: str = ""
    translations: Translations = {}


class LifeEventEntry(_Entry):
    code: Code
    name: Text
    description: str = ""
    audience: _choices(LifeEvent.Audience)
    translations: Translations = {}


class OptionEntry(_Entry):
    code: Code
    text: Text
    translations: Translations = {}


class QuestionEntry(_Entry):
    code: Code
    text: Text
    help_text: str = ""
    when: dict[str, Any] | None = None
    prefill: dict[str, Any] | None = None
    options: Annotated[list[OptionEntry], Field(min_length=1)]
    translations: Translations = {}


class MaterialEntry(_Entry):
    code: Code
    name: Text
    kind: _choices(MaterialKind)
    copies: Count = 1
    required: bool = True
    shared_data: bool = False
    checks: list[dict[str, Any]] = []
    acceptance_standard: str = ""
    note: str = ""
    commitment_text: str = ""
    blank_form: str = ""
    sample: str = ""
    when: dict[str, Any] | None = None
    translations: Translations = {}


class StepEntry(_Entry):
    code: Code
    name: Text
    description: str = ""
    review: bool = False
    when: dict[str, Any] | None = None
    translations: Translations = {}


class RuleEntry(_Entry):
    when: dict[str, Any]
    overrides: dict[str, Any]
    note: str = ""


class ItemEntry(_Entry):
    code: Code
    version: Annotated[int, Field(ge=1, strict=True)] = 1
    status: _choices(ItemStatus) = "draft"
    valid_from: date | None = None
    valid_until: date | None = None
    name: Text
    summary: str = ""
    keywords: str = ""
    item_type: _choices(ItemType)
    department: Code
    receiving_departments: list[Code] = []
    decided_by_receiver: bool = False
    life_events: list[Code] = []
    legal_days: Count | None = None
    promised_days: Count = 0
    days_unit: _choices(DaysUnit) = "working"
    immediate: bool = False
    fee: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)] = Decimal(0)
    fee_basis: str = ""
    fee_per_copy: bool = False
    payment_stage: _choices(PaymentStage) = "none"
    max_visits: Count = 1
    extension_days: Count = 0
    channels: list[Literal[CHANNELS]] = ["window"]
    online_url: str = ""
    online_level: _choices(OnlineLevel) = ""
    service_objects: Annotated[list[Literal["person", "enterprise"]], Field(min_length=1)] = ["person"]
    result_material: Code | Literal[""] = ""
    legal_basis: str = ""
    acceptance_conditions: str = ""
    location: str = ""
    contact_phone: str = ""
    hours: str = ""
    translations: Translations = {}
    questions: list[QuestionEntry] = []
    materials: list[MaterialEntry] = []
    steps: list[StepEntry] = []
    rules: list[RuleEntry] = []

    @field_validator("channels", "service_objects", "life_events", "receiving_departments")
    @classmethod
    def _canonical_order(cls, values: list[str], info) -> list[str]:
        if len(set(values)) != len(values):
            raise ValueError("lists a value twice")
        order = {"channels": CHANNELS, "service_objects": ("person", "enterprise")}.get(info.field_name)
        return sorted(values, key=order.index) if order else sorted(values)


class BundleItemEntry(_Entry):
    item: Code
    after: list[Code] = []


class BundleEntry(_Entry):
    code: Code
    name: Text
    description: str = ""
    life_event: Code | None = None
    keywords: str = ""
    typical_answers: dict[Code, Code] = {}
    assumptions: str = ""
    translations: Translations = {}
    items: Annotated[list[BundleItemEntry], Field(min_length=2)]


class CatalogFile(_Entry):
    regions: list[RegionEntry] = []
    departments: list[DepartmentEntry] = []
    life_events: list[LifeEventEntry] = []
    items: list[ItemEntry] = []
    bundles: list[BundleEntry] = []
