"""Import and export of the whole catalog as YAML.

Import checks everything first (file shape, references, situation rules, published versions) and
writes nothing when anything is wrong; every problem names its line and field. Export followed by an
import into an empty database and another export gives the same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import yaml
from django.db import transaction

from onewindow.core.i18n import translation_errors
from onewindow.core.yamlfile import Path, Problem, YamlFileError, dotted, line_of, load_with_lines, validated

from . import bundles, prechecks, rules
from .models import (
    CHANNELS,
    Bundle,
    BundleItem,
    CatalogStamp,
    Department,
    ItemStatus,
    LifeEvent,
    Material,
    Option,
    ProcessStep,
    Question,
    Region,
    ServiceItem,
    SituationRule,
)
from .schemas import (
    BundleEntry,
    CatalogFile,
    DepartmentEntry,
    ItemEntry,
    LifeEventEntry,
    MaterialEntry,
    OptionEntry,
    QuestionEntry,
    RegionEntry,
    RuleEntry,
    StepEntry,
)


class CatalogImportError(YamlFileError):
    pass


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


# --- reading ----------------------------------------------------------------------------------


def _load_with_lines(text: str) -> tuple[object, dict[Path, int]]:
    try:
        return load_with_lines(text)
    except YamlFileError as error:
        raise CatalogImportError(error.problems) from error


_dotted, _line = dotted, line_of


def _parse_dotted(base: Path, dotted: str) -> Path:
    """'questions[0].when.q' under base → base + ('questions', 0, 'when', 'q')."""
    path = list(base)
    for chunk in dotted.replace("]", "").split("."):
        if not chunk:
            continue
        name, *indexes = chunk.split("[")
        if name:
            path.append(name)
        path.extend(int(i) for i in indexes)
    return tuple(path)


# --- checking ---------------------------------------------------------------------------------


def item_rules_of(entry: ItemEntry) -> rules.ItemRules:
    return rules.ItemRules(
        questions=tuple(
            rules.QuestionSpec(q.code, tuple(o.code for o in q.options), q.when) for q in entry.questions
        ),
        materials=tuple(rules.ConditionalPart(m.code, m.when) for m in entry.materials),
        steps=tuple(rules.ConditionalPart(s.code, s.when) for s in entry.steps),
        limit_rules=tuple(rules.LimitRule(r.when, r.overrides) for r in entry.rules),
    )


_TRANSLATABLE = {
    "regions": Region.translatable_fields,
    "departments": Department.translatable_fields,
    "life_events": LifeEvent.translatable_fields,
    "items": ServiceItem.translatable_fields,
    "questions": Question.translatable_fields,
    "options": Option.translatable_fields,
    "materials": Material.translatable_fields,
    "steps": ProcessStep.translatable_fields,
}


def _check(catalog: CatalogFile) -> list[tuple[Path, str]]:
    problems: list[tuple[Path, str]] = []

    def duplicates(collection: str, keys):
        seen = set()
        for index, key in enumerate(keys):
            if key in seen:
                problems.append(((collection, index, "code"), f"duplicate {key!r}"))
            seen.add(key)

    def translations(path: Path, kind: str, value):
        for sub, message in translation_errors(value, _TRANSLATABLE[kind]):
            problems.append((_parse_dotted((*path, "translations"), sub), message))

    duplicates("regions", [r.code for r in catalog.regions])
    duplicates("departments", [d.code for d in catalog.departments])
    duplicates("life_events", [e.code for e in catalog.life_events])
    duplicates("items", [(i.code, i.version) for i in catalog.items])

    region_parents = dict(Region.objects.values_list("code", "parent__code"))
    region_parents.update({r.code: r.parent for r in catalog.regions})
    for index, region in enumerate(catalog.regions):
        translations(("regions", index), "regions", region.translations)
        if region.parent and region.parent not in region_parents:
            problems.append((("regions", index, "parent"), f"unknown region {region.parent!r}"))
        seen, current = set(), region.code
        while current and current not in seen:
            seen.add(current)
            current = region_parents.get(current)
        if current:
            problems.append((("regions", index, "parent"), "regions form a cycle"))

    departments = set(Department.objects.values_list("code", flat=True)) | {
        d.code for d in catalog.departments
    }
    for index, department in enumerate(catalog.departments):
        translations(("departments", index), "departments", department.translations)
        if department.region not in region_parents:
            problems.append((("departments", index, "region"), f"unknown region {department.region!r}"))

    events = set(LifeEvent.objects.values_list("code", flat=True)) | {e.code for e in catalog.life_events}
    for index, event in enumerate(catalog.life_events):
        translations(("life_events", index), "life_events", event.translations)

    published_in_file: dict[str, int] = {}
    existing = {(i.code, i.version): i for i in ServiceItem.objects.all()}
    for index, item in enumerate(catalog.items):
        path: Path = ("items", index)
        translations(path, "items", item.translations)
        for kind in ("questions", "materials", "steps"):
            for sub_index, part in enumerate(getattr(item, kind)):
                translations((*path, kind, sub_index), kind, part.translations)
        for q_index, question in enumerate(item.questions):
            for o_index, option in enumerate(question.options):
                translations(
                    (*path, "questions", q_index, "options", o_index), "options", option.translations
                )
        if item.department not in departments:
            problems.append(((*path, "department"), f"unknown department {item.department!r}"))
        if item.decided_by_receiver and not item.receiving_departments:
            problems.append(((*path, "decided_by_receiver"), "name the receiving_departments that decide it"))
        for r_index, receiver in enumerate(item.receiving_departments):
            if receiver not in departments:
                problems.append(
                    ((*path, "receiving_departments", r_index), f"unknown department {receiver!r}")
                )
            elif receiver == item.department:
                problems.append(
                    ((*path, "receiving_departments", r_index), "the implementing department receives anyway")
                )
        for e_index, event in enumerate(item.life_events):
            if event not in events:
                problems.append(((*path, "life_events", e_index), f"unknown life event {event!r}"))
        if item.legal_days is not None and item.promised_days > item.legal_days:
            problems.append(((*path, "promised_days"), "the promised time limit cannot exceed the legal one"))
        if item.valid_from and item.valid_until and item.valid_until < item.valid_from:
            problems.append(((*path, "valid_until"), "comes before valid_from"))
        if "online" in item.channels and not item.online_url:
            problems.append(((*path, "online_url"), "items offered online need the online service address"))
        for kind, files in (("materials", "blank_form"), ("materials", "sample")):
            for m_index, material in enumerate(getattr(item, kind)):
                name = getattr(material, files)
                if name and (name.startswith("/") or ".." in name.split("/")):
                    problems.append(
                        ((*path, kind, m_index, files), "must be a relative path inside the media folder")
                    )
        for m_index, material in enumerate(item.materials):
            for sub, message in prechecks.spec_errors(material.checks):
                problems.append((_parse_dotted((*path, "materials", m_index), sub), message))
        for sub, message in rules.item_rule_errors(item_rules_of(item)):
            problems.append((_parse_dotted(path, sub), message))
        if item.status == ItemStatus.PUBLISHED:
            if item.code in published_in_file:
                problems.append(
                    ((*path, "status"), f"another version of {item.code!r} is published in this file")
                )
            published_in_file[item.code] = item.version
        stored = existing.get((item.code, item.version))
        published_changed = (
            stored is not None
            and stored.status != ItemStatus.DRAFT
            and _content(item_entry(stored)) != _content(item)
        )
        if published_changed:
            problems.append(
                (
                    (*path, "version"),
                    f"version {item.version} of {item.code!r} is {stored.status} and cannot change; "
                    "import the changes as a new version",
                )
            )
    problems += _bundle_problems(catalog, events)
    return problems


def _bundle_problems(catalog: CatalogFile, events: set[str]) -> list[tuple[Path, str]]:
    problems: list[tuple[Path, str]] = []
    materials_of: dict[str, set[str]] = {}
    result_of: dict[str, str] = {}
    for item in ServiceItem.objects.prefetch_related("materials").order_by("version"):
        materials_of[item.code] = {m.code for m in item.materials.all()}
        result_of[item.code] = item.result_material
    for item in sorted(catalog.items, key=lambda i: i.version):
        materials_of[item.code] = {m.code for m in item.materials}
        result_of[item.code] = item.result_material
    seen = set()
    for index, bundle in enumerate(catalog.bundles):
        path: Path = ("bundles", index)
        found_before = len(problems)
        if bundle.code in seen:
            problems.append(((*path, "code"), f"duplicate {bundle.code!r}"))
        seen.add(bundle.code)
        for sub, message in translation_errors(bundle.translations, Bundle.translatable_fields):
            problems.append((_parse_dotted((*path, "translations"), sub), message))
        if bundle.life_event and bundle.life_event not in events:
            problems.append(((*path, "life_event"), f"unknown life event {bundle.life_event!r}"))
        codes = [part.item for part in bundle.items]
        for part_index, part in enumerate(bundle.items):
            if part.item not in materials_of:
                problems.append(((*path, "items", part_index, "item"), f"unknown item {part.item!r}"))
            elif codes.index(part.item) != part_index:
                problems.append(((*path, "items", part_index, "item"), f"{part.item!r} is listed twice"))
        parts = [
            bundles.BundlePart(p.item, rules.ItemRules(), result_of.get(p.item, ""), tuple(p.after))
            for p in bundle.items
        ]
        problems += [
            ((*path, "items"), message) for message in bundles.static_dependency_errors(parts, materials_of)
        ]
        if bundle.typical_answers and len(problems) == found_before:
            problems += [
                ((*path, *_parse_dotted(("typical_answers",), field.removeprefix("answers."))), message)
                for field, message in _typical_answer_errors(catalog, bundle)
            ]
    return problems


def _typical_answer_errors(catalog: CatalogFile, bundle: BundleEntry) -> list[tuple[str, str]]:
    """The typical answers must describe one complete situation of the bundle's items."""
    in_file = {item.code: item for item in sorted(catalog.items, key=lambda i: i.version)}
    parts = []
    for part in bundle.items:
        if part.item in in_file:
            entry = in_file[part.item]
            item_rules, result = item_rules_of(entry), entry.result_material
        else:
            item = ServiceItem.objects.filter(code=part.item).order_by("-version").first()
            item_rules, result = item.rules(), item.result_material
        parts.append(bundles.BundlePart(part.item, item_rules, result, tuple(part.after)))
    try:
        bundles.resolve_bundle(parts, bundle.typical_answers)
    except rules.AnswersError as error:
        return error.problems
    return []


def _content(entry: ItemEntry) -> dict:
    """What a published version may not change: everything but its status and validity dates."""
    return entry.model_dump(exclude={"status", "valid_from", "valid_until"})


def parse(text: str) -> CatalogFile:
    """Read and check a catalog file; CatalogImportError lists every problem with its line."""
    data, lines = _load_with_lines(text)
    try:
        catalog = validated(CatalogFile, data, lines)
    except YamlFileError as error:
        raise CatalogImportError(error.problems) from error
    problems = [Problem(_line(lines, path), _dotted(path), message) for path, message in _check(catalog)]
    if problems:
        raise CatalogImportError(problems)
    return catalog


# --- writing ----------------------------------------------------------------------------------


def import_catalog(text: str) -> ImportSummary:
    return apply_catalog(parse(text))


def apply_catalog(catalog: CatalogFile) -> ImportSummary:
    """Write a catalog already parsed (and so checked) by `parse`, all or nothing."""
    summary = ImportSummary()
    with transaction.atomic():
        _apply(catalog, summary)
        CatalogStamp.renew()  # the bulk writes above send no signals
    return summary


def _upsert(model, code: str, values: dict, summary: ImportSummary):
    obj = model.objects.filter(code=code).first()
    if obj is None:
        obj = model(code=code, **values)
        obj.save()
        summary.created += 1
        return obj
    if any(getattr(obj, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        summary.updated += 1
    else:
        summary.unchanged += 1
    return obj


def _apply(catalog: CatalogFile, summary: ImportSummary) -> None:
    for region in catalog.regions:
        _upsert(
            Region,
            region.code,
            {
                "name": region.name,
                "level": region.level,
                "area": region.area,
                "translations": region.translations,
            },
            summary,
        )
    # Second pass: a parent may come later in the file than its children.
    for region in catalog.regions:
        obj = Region.objects.get(code=region.code)
        parent = Region.objects.get(code=region.parent) if region.parent else None
        if obj.parent_id != (parent.pk if parent else None):
            obj.parent = parent
            obj.save(update_fields=["parent"])

    region_by_code = {r.code: r for r in Region.objects.all()}
    for position, department in enumerate(catalog.departments):
        _upsert(
            Department,
            department.code,
            {
                "name": department.name,
                "short_name": department.short_name,
                "region": region_by_code[department.region],
                "calendar": department.calendar,
                "address": department.address,
                "phone": department.phone,
                "translations": department.translations,
                "position": position,
            },
            summary,
        )
    for position, event in enumerate(catalog.life_events):
        _upsert(
            LifeEvent,
            event.code,
            {
                "name": event.name,
                "description": event.description,
                "audience": event.audience,
                "translations": event.translations,
                "position": position,
            },
            summary,
        )

    departments = {d.code: d for d in Department.objects.all()}
    events = {e.code: e for e in LifeEvent.objects.all()}
    for entry in catalog.items:
        stored = ServiceItem.objects.filter(code=entry.code, version=entry.version).first()
        if stored is not None and stored.status != ItemStatus.DRAFT:
            # Content is unchanged (checked in parse); only the status and validity may move.
            changed = (stored.status, stored.valid_from, stored.valid_until) != (
                entry.status,
                entry.valid_from,
                entry.valid_until,
            )
            if changed:
                _retire_other_published(entry)
                stored.status, stored.valid_from, stored.valid_until = (
                    entry.status,
                    entry.valid_from,
                    entry.valid_until,
                )
                stored.save(update_fields=["status", "valid_from", "valid_until"])
                summary.updated += 1
            else:
                summary.unchanged += 1
            continue
        if stored is not None:
            if _content(item_entry(stored)) == _content(entry) and stored.status == entry.status:
                summary.unchanged += 1
                continue
            stored.delete()
            summary.updated += 1
        else:
            summary.created += 1
        if entry.status == ItemStatus.PUBLISHED:
            _retire_other_published(entry)
        create_item(entry, departments, events)
    for position, entry in enumerate(catalog.bundles):
        bundle = _upsert(
            Bundle,
            entry.code,
            {
                "name": entry.name,
                "description": entry.description,
                "keywords": entry.keywords,
                "typical_answers": entry.typical_answers,
                "assumptions": entry.assumptions,
                "life_event": events.get(entry.life_event) if entry.life_event else None,
                "translations": entry.translations,
                "position": position,
            },
            summary,
        )
        parts = [(part.item, part.after) for part in entry.items]
        if [(p.item_code, p.after) for p in bundle.parts.all()] != parts:
            bundle.parts.all().delete()
            BundleItem.objects.bulk_create(
                BundleItem(bundle=bundle, item_code=code, after=after, position=index)
                for index, (code, after) in enumerate(parts)
            )


def _retire_other_published(entry: ItemEntry) -> None:
    if entry.status == ItemStatus.PUBLISHED:
        ServiceItem.objects.filter(code=entry.code, status=ItemStatus.PUBLISHED).exclude(
            version=entry.version
        ).update(status=ItemStatus.RETIRED, valid_until=entry.valid_from)


def create_item(entry: ItemEntry, departments, events) -> ServiceItem:
    item = ServiceItem(
        **entry.model_dump(
            exclude={
                "department",
                "receiving_departments",
                "life_events",
                "channels",
                "service_objects",
                "questions",
                "materials",
                "steps",
                "rules",
            }
        ),
        department=departments[entry.department],
        for_person="person" in entry.service_objects,
        for_enterprise="enterprise" in entry.service_objects,
        **{f"channel_{channel}": channel in entry.channels for channel in CHANNELS},
    )
    item.save()
    item.life_events.set([events[code] for code in entry.life_events])
    item.receiving_departments.set([departments[code] for code in entry.receiving_departments])
    # The file's field names are the models' field names.
    for position, q in enumerate(entry.questions):
        question = Question.objects.create(item=item, position=position, **q.model_dump(exclude={"options"}))
        Option.objects.bulk_create(
            Option(question=question, position=o_position, **o.model_dump())
            for o_position, o in enumerate(q.options)
        )
    for model, rows in (
        (Material, entry.materials),
        (ProcessStep, entry.steps),
        (SituationRule, entry.rules),
    ):
        model.objects.bulk_create(
            model(item=item, position=position, **row.model_dump()) for position, row in enumerate(rows)
        )
    return item


# --- exporting --------------------------------------------------------------------------------


def _number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def _row(obj, schema, **values) -> dict:
    """The fields of a file entry read off a model instance, with `values` for those stored differently."""
    return {name: values[name] if name in values else getattr(obj, name) for name in schema.model_fields}


def item_entry(item: ServiceItem) -> ItemEntry:
    return ItemEntry(
        **_row(
            item,
            ItemEntry,
            department=item.department.code,
            receiving_departments=[d.code for d in item.receiving_departments.all()],
            life_events=[e.code for e in item.life_events.all()],
            questions=[
                _row(q, QuestionEntry, options=[_row(o, OptionEntry) for o in q.options.all()])
                for q in item.questions.all()
            ],
            materials=[
                _row(m, MaterialEntry, blank_form=m.blank_form.name or "", sample=m.sample.name or "")
                for m in item.materials.all()
            ],
            steps=[_row(step, StepEntry) for step in item.steps.all()],
            rules=[_row(rule, RuleEntry) for rule in item.limit_rules.all()],
        )
    )


def _plain(value):
    """Pydantic dump → YAML-friendly values (Decimals as numbers)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return _number(value)
    return value


def export_catalog() -> str:
    items = (
        ServiceItem.objects.select_related("department")
        .prefetch_related(
            "life_events", "receiving_departments", "questions__options", "materials", "steps", "limit_rules"
        )
        .order_by("code", "version")
    )
    document = {
        "regions": [
            _row(r, RegionEntry, parent=r.parent.code if r.parent else None)
            for r in Region.objects.select_related("parent").order_by("code")
        ],
        "departments": [
            _row(d, DepartmentEntry, region=d.region.code)
            for d in Department.objects.select_related("region")
        ],
        "life_events": [_row(e, LifeEventEntry) for e in LifeEvent.objects.all()],
        "items": [_plain(item_entry(item).model_dump()) for item in items],
        "bundles": [
            _row(
                b,
                BundleEntry,
                life_event=b.life_event.code if b.life_event else None,
                items=[{"item": p.item_code, "after": p.after} for p in b.parts.all()],
            )
            for b in Bundle.objects.select_related("life_event").prefetch_related("parts")
        ],
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
