"""JSON Schemas for editors: `loa schema` writes them, they accept the scaffold, they describe
fields for Vietnamese editors, and docs/schema/ holds what the models say now."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml

from loa.readers.markdown import split_front_matter
from loa_support import REPO, LoaCommand, run_loa

SCHEMAS = ("campaign", "topic", "quiz", "lesson")
SCAFFOLDED = ("campaign", "topic", "quiz")
"""Schemas the scaffold has a file for (it has no lesson plan)."""
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]", re.I)


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The schemas `loa schema --out <folder>` writes, by name."""
    out = tmp_path_factory.mktemp("schema")
    run = run_loa("schema", "--out", out, cwd=out)
    assert run.returncode == 0, run
    written = {p.name for p in out.iterdir()}
    assert written == {f"{name}.schema.json" for name in SCHEMAS}
    return {name: json.loads((out / f"{name}.schema.json").read_text(encoding="utf-8")) for name in SCHEMAS}


def scaffold_documents() -> dict[str, Any]:
    """The scaffold's campaign.yaml, its topic's front matter and its quiz, as loaded data."""
    scaffold = files("loa") / "scaffold"
    topic = next(p for p in (scaffold / "topics").iterdir() if p.name.endswith(".md"))
    front, _body, _line = split_front_matter(topic.read_text(encoding="utf-8"), Path(topic.name))
    quiz = next(p for p in (scaffold / "quiz").iterdir() if p.name.endswith(".yaml"))
    return {
        "campaign": yaml.safe_load((scaffold / "campaign.yaml").read_text(encoding="utf-8")),
        "topic": yaml.safe_load(front),
        "quiz": yaml.safe_load(quiz.read_text(encoding="utf-8")),
    }


# --- a small JSON Schema checker: the keywords pydantic writes, no more ----------------------


def schema_errors(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str = "") -> list[str]:
    """Return what is wrong with a value for a schema (an empty list when it is valid)."""
    if "$ref" in schema:
        return schema_errors(value, _resolve(schema["$ref"], root), root, where)
    if "anyOf" in schema:
        options = [schema_errors(value, option, root, where) for option in schema["anyOf"]]
        return [] if any(not found for found in options) else min(options, key=len)
    if isinstance(value, dt.date):
        value = value.isoformat()
    errors = _type_errors(value, schema.get("type"), where)
    if errors:
        return errors
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{where}: too short")
        if schema.get("format") == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            errors.append(f"{where}: {value!r} is not a date")
    if isinstance(value, int) and not isinstance(value, bool) and not _in_range(value, schema):
        errors.append(f"{where}: {value} out of range")
    if isinstance(value, list):
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
            errors.append(f"{where}: {len(value)} items")
        for i, item in enumerate(value):
            errors += schema_errors(item, schema.get("items", {}), root, f"{where}.{i}")
    if isinstance(value, dict):
        errors += _object_errors(value, schema, root, where)
    return errors


def _object_errors(
    value: dict[str, Any], schema: dict[str, Any], root: dict[str, Any], where: str
) -> list[str]:
    errors = [f"{where}.{key}: required" for key in schema.get("required", []) if key not in value]
    for key, item in value.items():
        pattern = next((s for p, s in schema.get("patternProperties", {}).items() if re.search(p, key)), None)
        if key in schema.get("properties", {}):
            errors += schema_errors(item, schema["properties"][key], root, f"{where}.{key}")
        elif pattern is not None:
            errors += schema_errors(item, pattern, root, f"{where}.{key}")
        elif schema.get("additionalProperties") is False:
            errors.append(f"{where}.{key}: not allowed")
    return errors


def _in_range(value: int, schema: dict[str, Any]) -> bool:
    return bool(schema.get("minimum", value) <= value <= schema.get("maximum", value))


def _type_errors(value: Any, kind: str | None, where: str) -> list[str]:
    types: dict[str, type | tuple[type, ...]] = {
        "object": dict,
        "array": list,
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
        "null": type(None),
    }
    if kind is None:
        return []
    ok = isinstance(value, types[kind]) and not (kind in ("integer", "number") and isinstance(value, bool))
    return [] if ok else [f"{where}: {value!r} is not {kind}"]


def _resolve(ref: str, root: dict[str, Any]) -> dict[str, Any]:
    node = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def descriptions(schema: dict[str, Any]) -> dict[str, str]:
    """Return the description of every property in a schema and its definitions, by path."""
    found: dict[str, str] = {}
    for owner, node in [("", schema), *schema.get("$defs", {}).items()]:
        for name, prop in node.get("properties", {}).items():
            found[f"{owner}.{name}".lstrip(".")] = prop.get("description", "")
    return found


# --- tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SCAFFOLDED)
def test_scaffold_file_is_valid_for_its_schema(schemas: dict[str, dict[str, Any]], name: str) -> None:
    document = scaffold_documents()[name]
    assert schema_errors(document, schemas[name], schemas[name]) == []


def test_schema_refuses_a_misspelt_field(schemas: dict[str, dict[str, Any]]) -> None:
    document = scaffold_documents()["campaign"]
    document["tittle"] = document.pop("title")
    assert schema_errors(document, schemas["campaign"], schemas["campaign"]) == [
        ".title: required",
        ".tittle: not allowed",
    ]


def test_schemas_have_the_expected_properties(schemas: dict[str, dict[str, Any]]) -> None:
    assert {
        "id",
        "title",
        "issuer",
        "period",
        "audiences",
        "hotlines",
        "legal_references",
        "assets",
        "brand",
        "portal",
    } <= schemas["campaign"]["properties"].keys()
    assert {
        "id",
        "title",
        "summary",
        "audiences",
        "key_messages",
        "actions",
        "legal",
        "image",
        "sources",
    } <= schemas["topic"]["properties"].keys()
    assert {"id", "title", "audience", "questions"} <= schemas["quiz"]["properties"].keys()
    assert set(schemas["topic"]["required"]) == {"id", "title", "summary", "audiences", "key_messages"}
    assert schemas["campaign"]["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_schema_property_has_a_description(schemas: dict[str, dict[str, Any]]) -> None:
    missing = [
        f"{name}: {path}"
        for name, schema in schemas.items()
        for path, text in descriptions(schema).items()
        if not text.strip()
    ]
    assert missing == []


def test_schema_descriptions_are_in_vietnamese(schemas: dict[str, dict[str, Any]]) -> None:
    english = [
        f"{name}: {path}: {text}"
        for name, schema in schemas.items()
        for path, text in descriptions(schema).items()
        if not VIETNAMESE.search(unicodedata.normalize("NFC", text))
    ]
    assert english == []


def test_committed_schemas_match_what_loa_schema_writes_now(loa: LoaCommand, tmp_path: Path) -> None:
    run = loa("schema", "--out", tmp_path / "now")
    assert run.returncode == 0, run
    now = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "now").iterdir()}
    committed = {p.name: p.read_text(encoding="utf-8") for p in (REPO / "docs" / "schema").glob("*.json")}
    stale = sorted(name for name in now.keys() | committed.keys() if now.get(name) != committed.get(name))
    assert stale == [], f"docs/schema/ is stale ({', '.join(stale)}): run `make schema`"
