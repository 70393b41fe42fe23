"""Catalog content in several languages.

Content (names, question texts) is written in Chinese in its own field; other languages live in a
`translations` JSON field: {"en": {"name": "..."}, "vi": {"name": "..."}}.
"""

from django.conf import settings
from django.utils.translation import get_language

CONTENT_LANGUAGE = "zh-hans"
TRANSLATION_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES if code != CONTENT_LANGUAGE)


def translated(obj, field: str, language: str | None = None) -> str:
    return translated_value(getattr(obj, "translations", None), field, getattr(obj, field), language)


def translated_value(translations, field: str, original: str, language: str | None = None) -> str:
    """`field` in the language asked for (default: the active one), from a `translations` mapping,
    or the `original` Chinese text when there is no translation."""
    language = (language or get_language() or CONTENT_LANGUAGE).lower()
    if language != CONTENT_LANGUAGE:
        value = (translations or {}).get(language, {}).get(field)
        if value:
            return value
    return original


def translation_errors(translations, allowed_fields: tuple[str, ...]) -> list[tuple[str, str]]:
    """Problems in a translations mapping, as (path, message) pairs."""
    if not isinstance(translations, dict):
        return [("", "must be a mapping of language code to fields")]
    problems = []
    for language, fields in translations.items():
        if language not in TRANSLATION_LANGUAGES:
            problems.append(
                (str(language), f"unknown language; use one of {', '.join(TRANSLATION_LANGUAGES)}")
            )
            continue
        if not isinstance(fields, dict):
            problems.append((language, "must be a mapping of field name to text"))
            continue
        for name, value in fields.items():
            if name not in allowed_fields:
                problems.append(
                    (f"{language}.{name}", f"not translatable; use one of {', '.join(allowed_fields)}")
                )
            elif not isinstance(value, str) or not value.strip():
                problems.append((f"{language}.{name}", "must be a non-empty text"))
    return problems
