"""Every --format value has a renderer, and the JSON Schema in the repo is the generated one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from ccal.cli.options import FormatChoice
from ccal.render import Listing
from ccal.render.contract import listing_schema, schema_text
from ccal.render.formats import RENDERERS, RenderOptions, renderer

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILE = REPO / "schema" / "listing.schema.json"


def test_every_format_choice_has_a_renderer_and_no_renderer_is_unreachable():
    assert {choice.value for choice in FormatChoice} == set(RENDERERS)


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_each_renderer_renders_an_empty_listing(name):
    empty = Listing([], {}, datetime(2022, 6, 1, tzinfo=UTC), UTC)
    assert isinstance(renderer(name)(empty, RenderOptions()), str)


@pytest.mark.parametrize("choice", [c.value for c in FormatChoice])
def test_every_format_works_on_the_command_line(export, choice):
    assert export("--format", choice, "--all")


def test_committed_schema_is_the_generated_one():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "regenerate: python -m ccal.render.contract > schema/listing.schema.json"
    )


def validator():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_real_output_validates_against_the_schema(export, ccal):
    records = json.loads(export("--format", "json", "--all"))
    assert len(records) == 6
    validator().validate(records)
    validator().validate(json.loads(export("--format", "json", "--all", data="hostile.toml")))


def test_shipped_data_validates_against_the_schema(ccal):
    result = ccal("export", "--format", "json", "--all", "--as-of", "2022-06-01")
    records = json.loads(result.stdout)
    assert len(records) > 40
    validator().validate(records)


def test_each_ndjson_line_is_one_item_of_the_schema(export):
    lines = export("--format", "ndjson", "--all").splitlines()
    validator().validate([json.loads(line) for line in lines])


def test_schema_rejects_a_missing_or_an_extra_key(export):
    record = json.loads(export("--format", "json", "--all"))[0]
    with pytest.raises(jsonschema.ValidationError):
        validator().validate([{**record, "colour": "red"}])
    del record["status"]
    with pytest.raises(jsonschema.ValidationError):
        validator().validate([record])


def test_schema_title_and_array_shape():
    schema = listing_schema()
    assert schema["type"] == "array"
    assert schema["$schema"].endswith("2020-12/schema")
