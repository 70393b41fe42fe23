"""Import of support policies from YAML or an XLSX workbook (one row per policy, the same fields as
columns, the rule as JSON in its cell), all or nothing: every problem named by line and field (the
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
import io
import zipfile
from decimal import Decimal
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field

from onewindow.core.yamlfile import Problem, YamlFileError, load_with_lines, problems_at, validated

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


def read_xlsx(content: bytes) -> tuple[dict, dict[tuple, int]]:
    """The first sheet of a workbook as the YAML document would be: a header row naming the fields
    (as in the YAML), one policy per row, the rule as JSON (or YAML) in its cell; and the row of every
    value, so that problems are named by row and field."""
    import openpyxl
    import yaml

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise YamlFileError([Problem(None, "(file)", f"not an XLSX workbook: {error}", "row")]) from None
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
    policies: list[dict] = []
    lines: dict[tuple, int] = {(): 1, ("policies",): 1}
    problems = []
    for number, row in enumerate(rows, start=2):
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        index = len(policies)
        entry: dict = {}
        lines[("policies", index)] = number
        for name, cell in zip(header, row, strict=False):
            if not name or cell is None or str(cell).strip() == "":
                continue
            lines[("policies", index, name)] = number
            if isinstance(cell, dt.datetime):
                cell = cell.date()
            if name == "rule" and isinstance(cell, str):
                try:
                    cell = yaml.safe_load(cell)
                except yaml.YAMLError as error:
                    problems.append(Problem(number, f"policies[{index}].rule", f"not JSON: {error}", "row"))
                    continue
            entry[name] = cell
        policies.append(entry)
    workbook.close()
    if problems:
        raise YamlFileError(problems)
    return {"policies": policies}, lines


def parse(text: str | bytes, kind: str = "yaml") -> PoliciesFile:
    """The policies of a YAML text or an XLSX workbook (`kind`), checked all through."""
    if kind == "xlsx":
        data, lines = read_xlsx(text)
        unit = "row"
    else:
        data, lines = load_with_lines(text)
        unit = "line"
    document = validated(PoliciesFile, data, lines, unit)
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
        raise YamlFileError(problems_at(lines, found, unit))
    return document


@transaction.atomic
def import_policies(text: str | bytes, kind: str = "yaml") -> dict[str, int]:
    from onewindow.catalog.models import ServiceItem

    document = parse(text, kind)
    counts = {"created": 0, "updated": 0}
    for entry in document.policies:
        values = entry.model_dump(exclude={"code", "item"})
        values["item"] = ServiceItem.objects.filter(code=entry.item).first() if entry.item else None
        if entry.status == PolicyStatus.PUBLISHED:
            values["published_at"] = timezone.now()
        _policy, created = Policy.objects.update_or_create(code=entry.code, defaults=values)
        counts["created" if created else "updated"] += 1
    return counts
