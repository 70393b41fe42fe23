"""Reads of the catalog: search, browsing, one item, a personal checklist."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from onewindow.core.models import APPLICANTS
from onewindow.core.segmentation import jieba

from . import advice, bundles, rules
from .cache import StampedCache
from .calendars import department_calendar  # noqa: F401  (read with the other catalog reads)
from .models import (
    Bundle,
    Department,
    ItemStatus,
    LifeEvent,
    Material,
    ProcessStep,
    Question,
    Region,
    ServiceItem,
)

# Words that say "how do I…" rather than what: dropped from a query when other words remain.
_STOPWORDS = {
    "办理",
    "申请",
    "怎么",
    "如何",
    "怎样",
    "的",
    "我要",
    "需要",
    "什么",
    "哪些",
    "材料",
    "手续",
    "办",
    "how",
    "to",
    "apply",
    "for",
    "the",
    "a",
    "an",
    "of",
    "i",
    "cách",
    "làm",
    "thủ",
    "tục",
}
MAX_SEARCH_TERMS = 8
_PUNCTUATION = re.compile(r"^[\W_]+$")


def search_terms(query: str) -> list[str]:
    """The query, lower-cased, split into words (jieba for Chinese), most specific first."""
    query = query.strip().lower()
    if not query:
        return []
    words = [w.strip() for w in jieba().cut_for_search(query)]
    words = [w for w in words if w and not _PUNCTUATION.match(w)]
    meaningful = [w for w in words if w not in _STOPWORDS] or words
    # Each term adds conditions to one query; a few specific words find an item, and more would
    # overflow SQLite's parser (a 25-word query did).
    return sorted(set(meaningful), key=lambda w: (-len(w), w))[:MAX_SEARCH_TERMS]


def _score(condition: Q, points: int):
    return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())


def areas() -> list[Region]:
    """The top regions (a city, a province): the places one installation serves side by side."""
    return list(Region.objects.filter(parent__isnull=True).order_by("code"))


def regions_under(code: str) -> list[Region]:
    """A region and every region below it (a province's cities, districts and communes)."""
    found, level = [], list(Region.objects.filter(code=code))
    while level:
        found += level
        level = list(Region.objects.filter(parent__in=level))
    return found


def published_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.published().select_related("department")


def search_items(
    query: str = "", department: str | None = None, life_event: str | None = None, audience: str | None = None
) -> QuerySet[ServiceItem]:
    """Published items matching the filters, best match first.

    A name containing the whole query ranks first, then names containing its words (longer words
    weigh more), then keywords and other languages, then summaries.
    """
    items = published_items()
    if department:
        performs = ServiceItem.receiving_departments.through.objects.filter(department__code=department)
        items = items.filter(
            Q(department__code=department)
            | Q(decided_by_receiver=True, pk__in=performs.values("serviceitem_id"))
        )
    if life_event:
        items = items.filter(life_events__code=life_event)
    if audience == "person":
        items = items.filter(for_person=True)
    elif audience == "enterprise":
        items = items.filter(for_enterprise=True)
    query = query.strip()
    if not query:
        return items.order_by("department__position", "department__code", "code")
    terms = search_terms(query)
    whole = query.lower()
    matches = Q(search_text__contains=whole) | Q(name__icontains=query)
    score = (
        _score(Q(name__iexact=query), 1000)
        + _score(Q(name__icontains=query), 400)
        + _score(Q(search_text__contains=whole), 150)
    )
    for term in terms:
        matches |= (
            Q(search_text__contains=term) | Q(summary__icontains=term) | Q(department__name__icontains=term)
        )
        weight = len(term)
        score = (
            score
            + _score(Q(name__icontains=term), 30 * weight)
            + _score(Q(search_text__contains=term), 10 * weight)
            + _score(Q(summary__icontains=term), 2 * weight)
            + _score(Q(department__name__icontains=term), weight)
        )
    return items.filter(matches).annotate(score=score).order_by("-score", "department__position", "code")


def departments_with_counts() -> QuerySet[Department]:
    # What a department implements, and what every commune performs that it performs too.
    performed = Q(received_items__status=ItemStatus.PUBLISHED, received_items__decided_by_receiver=True)
    return Department.objects.select_related("region").annotate(
        item_count=Count("items", filter=Q(items__status=ItemStatus.PUBLISHED), distinct=True)
        + Count("received_items", filter=performed, distinct=True)
    )


def life_events_with_counts() -> QuerySet[LifeEvent]:
    return LifeEvent.objects.annotate(item_count=Count("items", filter=Q(items__status=ItemStatus.PUBLISHED)))


def item_with_parts(items: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    return items.select_related("department", "department__region").prefetch_related(
        "life_events",
        Prefetch("receiving_departments", queryset=Department.objects.select_related("region")),
        Prefetch("questions", queryset=Question.objects.prefetch_related("options")),
        Prefetch("materials", queryset=Material.objects.all()),
        Prefetch("steps", queryset=ProcessStep.objects.all()),
        "limit_rules",
    )


def published_item(code: str) -> ServiceItem:
    """The published version of an item with its parts; ServiceItem.DoesNotExist when there is none.
    The instance may be shared with other requests: read it, do not change it."""
    return _published_items.get(code, _load_published_item)


def _load_published_item(code: str) -> ServiceItem:
    return item_with_parts(ServiceItem.objects.published()).get(code=code)


def item_rules(item: ServiceItem) -> rules.ItemRules:
    """An item version's situation rules (`ServiceItem.rules`), kept while the catalog is unchanged: a
    case's page needs its own version's rules, four queries to load."""
    return _item_rules.get(item.pk, lambda pk: item_with_parts(ServiceItem.objects).get(pk=pk).rules())


_item_rules = StampedCache()


# Loading an item with its questions, options, materials, steps and rules takes seven queries,
# nearly half of a case submission's time; the stamp is one.
_published_items = StampedCache()


@dataclass(frozen=True)
class AnsweredQuestion:
    question: Question
    option: Any


@dataclass(frozen=True)
class HeldMaterial:
    """A material the applicant need not bring: one of their e-certificates stands for it."""

    code: str
    source: str  # what provides it, e.g. the certificate type's name
    reference: str  # e.g. the certificate's identifier


def held_materials(holder_id: str) -> dict[str, HeldMaterial]:
    """The materials `holder_id`'s e-certificates stand for, by code ({} for no holder)."""
    from .signals import materials_held

    if not holder_id:
        return {}
    found: dict[str, HeldMaterial] = {}
    for _receiver, rows in materials_held.send(sender=Material, holder_id=holder_id):
        for row in rows:
            found.setdefault(row.code, row)
    return found


def held_by_user(user) -> dict[str, HeldMaterial]:
    """A signed-in applicant's held materials (by their verified ID); {} for anyone else."""
    if getattr(user, "role", None) not in APPLICANTS:
        return {}
    return held_materials(user.verified_id_number)


@dataclass(frozen=True)
class Checklist:
    item: ServiceItem
    answers: list[AnsweredQuestion]
    materials: list[Material]
    steps: list[ProcessStep]
    limits: dict[str, Any]
    held: dict[str, HeldMaterial] = field(default_factory=dict)  # covered by the applicant's certificates

    # A single item's filing does not fetch `shared_data` materials itself (a bundle's does), so only
    # the applicant's own certificates take a material off this list.
    @property
    def to_bring(self) -> list[Material]:
        return [m for m in self.materials if m.code not in self.held]

    @property
    def not_to_bring(self) -> list[tuple[Material, HeldMaterial]]:
        return [(m, self.held[m.code]) for m in self.materials if m.code in self.held]


def checklist(
    item: ServiceItem, answers: dict[str, Any], held: dict[str, HeldMaterial] | None = None
) -> Checklist:
    """The personal checklist for these answers; rules.AnswersError when answers are bad or missing.
    `held`: the materials the applicant's e-certificates stand for (selectors.held_materials)."""
    resolution = rules.resolve(item.rules(), answers)
    materials = {m.code: m for m in item.materials.all()}
    steps = {s.code: s for s in item.steps.all()}
    answered = []
    for question in item.questions.all():
        if question.code in resolution.answers:
            option = next(o for o in question.options.all() if o.code == resolution.answers[question.code])
            answered.append(AnsweredQuestion(question, option))
    return Checklist(
        item=item,
        answers=answered,
        materials=[materials[code] for code in resolution.materials],
        steps=[steps[code] for code in resolution.steps],
        limits=resolution.limits,
        held={code: row for code, row in (held or {}).items() if code in resolution.materials},
    )


@dataclass(frozen=True)
class BundleChecklist:
    bundle: Bundle
    items: dict[str, ServiceItem]
    resolution: bundles.BundleResolution
    materials: dict[str, Material]  # one Material row per merged code, from the first item needing it
    held: dict[str, HeldMaterial] = field(default_factory=dict)


def search_bundles(query: str = "") -> QuerySet[Bundle]:
    found = Bundle.objects.select_related("life_event").prefetch_related("parts")
    terms = search_terms(query)
    if not terms:
        return found
    matches = Q()
    for term in terms:
        matches |= Q(name__icontains=term) | Q(keywords__icontains=term) | Q(description__icontains=term)
    return found.filter(matches)


def bundle_items(bundle: Bundle) -> dict[str, ServiceItem]:
    """The published version of each item of the bundle, in the bundle's order."""
    codes = [part.item_code for part in bundle.parts.all()]
    published = {
        item.code: item for item in item_with_parts(ServiceItem.objects.published().filter(code__in=codes))
    }
    missing = [code for code in codes if code not in published]
    if missing:
        raise ServiceItem.DoesNotExist(f"no published version of {', '.join(missing)}")
    return {code: published[code] for code in codes}


def bundle_parts(bundle: Bundle, items: dict[str, ServiceItem]) -> list[bundles.BundlePart]:
    return [
        bundles.BundlePart(
            code=part.item_code,
            rules=items[part.item_code].rules(),
            result_material=items[part.item_code].result_material,
            after=tuple(part.after),
            shared_data=frozenset(m.code for m in items[part.item_code].materials.all() if m.shared_data),
        )
        for part in bundle.parts.all()
    ]


def bundle_figures(bundle: Bundle, items: dict[str, ServiceItem]) -> bundles.BundleFigures | None:
    """What the bundle saves its typical applicant, or None when it names no complete situation."""
    try:
        return bundles.bundle_figures(bundle_parts(bundle, items), bundle.typical_answers)
    except (rules.AnswersError, ValueError):
        return None


def merged_question_rows(items: dict[str, ServiceItem]) -> list[Question]:
    """Each question of the bundle once (the first item's wording), for display."""
    rows: dict[str, Question] = {}
    for item in items.values():
        for question in item.questions.all():
            rows.setdefault(question.code, question)
    return list(rows.values())


def bundle_checklist(
    bundle: Bundle, answers: dict[str, Any], held: dict[str, HeldMaterial] | None = None
) -> BundleChecklist:
    """The merged checklist; rules.AnswersError when answers are bad or missing. `held` as for
    `checklist`."""
    items = bundle_items(bundle)
    held = held or {}
    resolution = bundles.resolve_bundle(bundle_parts(bundle, items), answers, held)
    materials: dict[str, Material] = {}
    for code, item in items.items():
        wanted = set(resolution.materials_by_item[code])
        for material in item.materials.all():
            if material.code in wanted:
                materials.setdefault(material.code, material)
    covered = {m.code for m in resolution.materials if m.held}
    return BundleChecklist(
        bundle, items, resolution, materials, {c: r for c, r in held.items() if c in covered}
    )


def route_of(item: ServiceItem, limits: dict[str, Any], materials: list[Material]) -> advice.Route:
    return advice.Route(
        tuple(item.channels), int(limits["max_visits"]), any(m.original and m.required for m in materials)
    )


def item_advice(result: Checklist) -> tuple[str, int]:
    return advice.channel_advice([route_of(result.item, result.limits, result.materials)])


def bundle_advice(result: BundleChecklist) -> tuple[str, int]:
    resolution = result.resolution
    asked = {m.code for m in resolution.materials if m.asked}
    routes = []
    for code, item in result.items.items():
        materials = [result.materials[m] for m in resolution.materials_by_item[code] if m in asked]
        routes.append(route_of(item, resolution.limits_by_item[code], materials))
    return advice.channel_advice(routes)
