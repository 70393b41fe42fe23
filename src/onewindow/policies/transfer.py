"""Import of support policies from YAML, all or nothing: every problem named by line and field (the
rule's own problems by their place inside it), nothing written while anything is wrong.

    policies:
      - code: dg-hightech-2026
        title: 高新技术企业认定奖励
        issuer: 东莞市科学技术局
        source_title: 《…》（文号）
        source_url: https://…
        topic: innovation
        valid_from: 2026-01-01
        valid_until: 2026-12-31
        benefit: 一次性奖励 20 万元
        amount: 200000
        how: exempt                      # or: apply (then `item`: the catalog item applied with)
        rule: {all: [{field: tags, op: has, value: high_tech}]}
        status: published                # or: draft (default)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field

from onewindow.core.yamlfile import YamlFileError, load_with_lines, problems_at, validated

from . import eligibility
from .models import Policy, PolicyStatus


class PolicyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")
    title: str = Field(min_length=1, max_length=300)
    issuer: str = Field(min_length=1, max_length=200)
    source_title: str = Field("", max_length=300)
    source_url: str = Field("", pattern=r"^(https?://\S+)?$")
    topic: str = Field("", max_length=60)
    valid_from: dt.date
    valid_until: dt.date | None = None
    benefit: str = Field(min_length=1)
    amount: Decimal | None = Field(None, ge=0)
    how: Literal["apply", "exempt"]
    item: str = ""
    rule: dict[str, Any]
    status: Literal["draft", "published"] = "draft"


class PoliciesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    policies: list[PolicyEntry] = Field(min_length=1)


def _rule_path(base: tuple, place: str) -> tuple:
    """'rule.all[0].value' under base → base + ('rule', 'all', 0, 'value')."""
    path = list(base)
    for chunk in place.replace("]", "").split("."):
        name, *indexes = chunk.split("[")
        path.append(name)
        path.extend(int(i) for i in indexes)
    return tuple(path)


def parse(text: str) -> PoliciesFile:
    data, lines = load_with_lines(text)
    document = validated(PoliciesFile, data, lines)
    from onewindow.catalog.models import ServiceItem

    items = set(ServiceItem.objects.values_list("code", flat=True))
    found, seen = [], set()
    for index, entry in enumerate(document.policies):
        base = ("policies", index)
        if entry.code in seen:
            found.append(((*base, "code"), f"{entry.code!r} appears twice"))
        seen.add(entry.code)
        found += [(_rule_path(base, place), message) for place, message in eligibility.validate(entry.rule)]
        if entry.how == "apply" and entry.item not in items:
            found.append(((*base, "item"), "a policy obtained by applying names a catalog item code"))
        if entry.valid_until and entry.valid_until < entry.valid_from:
            found.append(((*base, "valid_until"), "before valid_from"))
    if found:
        raise YamlFileError(problems_at(lines, found))
    return document


@transaction.atomic
def import_policies(text: str) -> dict[str, int]:
    from onewindow.catalog.models import ServiceItem

    document = parse(text)
    counts = {"created": 0, "updated": 0}
    for entry in document.policies:
        values = entry.model_dump(exclude={"code", "item"})
        values["item"] = ServiceItem.objects.filter(code=entry.item).first() if entry.item else None
        if entry.status == PolicyStatus.PUBLISHED:
            values["published_at"] = timezone.now()
        _policy, created = Policy.objects.update_or_create(code=entry.code, defaults=values)
        counts["created" if created else "updated"] += 1
    return counts
