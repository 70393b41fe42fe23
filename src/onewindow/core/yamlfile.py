"""YAML files imported all or nothing (the catalog, support policies): the document with the line of
every value, and problems named by line and dotted field, as one exception."""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    line: int | None
    field: str
    message: str
    unit: str = "line"  # a spreadsheet's problems are by "row"

    def __str__(self):
        where = f"{self.unit} {self.line}: " if self.line else ""
        return f"{where}{self.field}: {self.message}"


class YamlFileError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_with_lines(text: str) -> tuple[object, dict[Path, int]]:
    """The YAML document and the line of every value in it, keyed by its path."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = Problem(
            mark.line + 1 if mark else None, "(file)", f"not valid YAML: {getattr(error, 'problem', error)}"
        )
        raise YamlFileError([problem]) from error
    finally:
        loader.dispose()
    lines: dict[Path, int] = {}

    def walk(current, path: Path):
        lines[path] = current.start_mark.line + 1
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                walk(value_node, (*path, key_node.value))
                lines[(*path, key_node.value)] = key_node.start_mark.line + 1
        elif isinstance(current, yaml.SequenceNode):
            for index, child in enumerate(current.value):
                walk(child, (*path, index))

    if node is not None:
        walk(node, ())
    return data, lines


def dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def validated(schema: type[BaseModel], data, lines: dict[Path, int], unit: str = "line"):
    """`data` as `schema`, or YamlFileError naming each problem's line and field."""
    try:
        return schema.model_validate(data if data is not None else {})
    except PydanticValidationError as error:
        problems = []
        for detail in error.errors():
            loc = tuple(
                part for part in detail["loc"] if not (isinstance(part, str) and part.startswith("function"))
            )
            problems.append(Problem(line_of(lines, loc), dotted(loc), detail["msg"], unit))
        raise YamlFileError(problems) from error


def problems_at(lines: dict[Path, int], found: list[tuple[Path, str]], unit: str = "line") -> list[Problem]:
    return [Problem(line_of(lines, path), dotted(path), message, unit) for path, message in found]
