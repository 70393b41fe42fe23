"""`{% item_articles item.code %}`: the published articles linked to a catalog item, for its guide
(the catalog shows them without importing the knowledge base)."""

from django import template

from onewindow.knowledge.selectors import item_articles as linked

register = template.Library()


@register.inclusion_tag("knowledge/_item_articles.html")
def item_articles(code: str):
    return {"articles": linked(code)}
