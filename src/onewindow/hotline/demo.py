"""The hotline's demo data: categories and their departments, synonyms, a knowledge base linked to
the catalog, and months of tickets with a spike (written by ops.history through the real services)."""

from __future__ import annotations

from onewindow.catalog.models import Department

from .models import CategoryRoute

# The seven first-level categories of the development data (docs/hotline.md), the demo city's
# departments that take them, and a few rule keywords (a keyword decides without the model).
ROUTES = [
    ("劳动和社会保障", "labour", "rsj", "社保,养老金,工资,劳动合同"),
    ("城乡建设", "urban", "zj", "物业,供暖,小区,房屋"),
    ("教育文体", "education", "mz", "学校,幼儿园"),
    ("卫生计生", "health", "wjj", "医院,疫苗"),
    ("交通运输", "transport", "ga", "公交,路口,红绿灯"),
    ("商贸旅游", "commerce", "scjg", "商家,消费,退款"),
    ("环境保护", "environment", "zrzy", "噪音,污染,排放"),
]


def load_routes() -> int:
    made = 0
    for category, code, department, keywords in ROUTES:
        _route, created = CategoryRoute.objects.update_or_create(
            category=category,
            defaults={
                "code": code,
                "department": Department.objects.get(code=department),
                "keywords": keywords,
            },
        )
        made += created
    return made
