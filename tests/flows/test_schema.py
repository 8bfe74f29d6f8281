"""``hitl schema FLOW``: the JSON Schema of a flow's answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from flows.gather import GatherFlow
from flows.joke import JokeFlow
from flows.questionnaire import load_questionnaire
from flows.registry import available_flows
from flows.schema import SCHEMA_DIALECT, answers_schema

ALL_KINDS = """
id = "kinds"
title = "Every kind"
description = "One of each."
version = 3

[[questions]]
id = "name"
prompt = "Name?"
help = "As on your badge."
min_length = 2
max_length = 40
pattern = "[A-Za-z ]+"

[[questions]]
id = "story"
prompt = "Story?"
type = "long_text"
required = false
min_length = 10

[[questions]]
id = "colour"
prompt = "Colour?"
type = "choice"
choices = ["red", "green"]

[[questions]]
id = "tags"
prompt = "Tags?"
type = "multi_choice"
choices = ["a", "b", "c"]
max_length = 2
required = false

[[questions]]
id = "items"
prompt = "Items?"
type = "list"
min_length = 1

[[questions]]
id = "count"
prompt = "How many?"
type = "integer"
min = 1
max = 9
default = 3
when = { question = "colour", equals = "red" }

[[questions]]
id = "ratio"
prompt = "Ratio?"
type = "number"
min = 0
max = 1

[[questions]]
id = "ok"
prompt = "OK?"
type = "yes_no"

[[questions]]
id = "on"
prompt = "On?"
type = "date"
min = 2024-01-01
"""


def test_a_questionnaires_schema(write_toml: Callable[..., Path]) -> None:
    schema = answers_schema(load_questionnaire(write_toml(ALL_KINDS)))
    assert json.loads(json.dumps(schema)) == schema  # JSON-ready (dates as text)
    assert schema["$schema"] == SCHEMA_DIALECT
    assert schema["title"] == "Every kind: answers"
    assert schema["description"] == "One of each."
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert (schema["x-hitl-flow"], schema["x-hitl-version"]) == ("kinds", 3)
    props = schema["properties"]
    assert list(props) == ["name", "story", "colour", "tags", "items", "count", "ratio", "ok", "on"]
    # required: the required questions that every run asks (count has a condition)
    assert schema["required"] == ["name", "colour", "items", "ratio", "ok", "on"]

    name = props["name"]
    assert (name["title"], name["type"]) == ("Name", "string")
    assert name["description"] == "As on your badge."
    assert (name["minLength"], name["maxLength"], name["pattern"]) == (2, 40, "^(?:[A-Za-z ]+)$")
    assert name["x-hitl"] == {
        "kind": "text", "required": True, "min_length": 2, "max_length": 40,
        "pattern": "[A-Za-z ]+", "label": "Name", "help": "As on your badge.",
    }
    assert name["x-hitl-question"] == "KindsNameQuestion"
    assert name["x-hitl-prompt"] == "Name?"

    # an optional text may stay empty, whatever its min_length
    assert props["story"]["anyOf"] == [
        {"type": "string", "minLength": 10}, {"type": "string", "pattern": r"^\s*$"},
    ]
    assert props["colour"]["enum"] == ["red", "green"]
    assert props["tags"]["type"] == "array"
    assert props["tags"]["items"] == {"type": "string", "enum": ["a", "b", "c"]}
    assert props["tags"]["maxItems"] == 2
    assert props["items"]["minItems"] == 1
    count = props["count"]
    assert count["default"] == 3
    assert {"type": "integer", "minimum": 1, "maximum": 9} in count["anyOf"]
    assert count["x-hitl-when"] == {"question": "colour", "equals": "red"}
    assert {"type": "number", "minimum": 0, "maximum": 1} in props["ratio"]["anyOf"]
    assert {"type": "boolean"} in props["ok"]["anyOf"]
    assert {"type": "string", "format": "date"} in props["on"]["anyOf"]
    assert props["on"]["x-hitl"]["ge"] == "2024-01-01"


def test_a_hand_written_flows_schema() -> None:
    schema = answers_schema(GatherFlow())
    assert list(schema["properties"]) == ["objective", "resources", "approach", "notes"]
    assert "required" not in schema  # per answer: x-hitl.required
    objective = schema["properties"]["objective"]
    assert objective["x-hitl"]["kind"] == "long_text"
    assert objective["x-hitl-question"] == "ObjectiveEvent"
    assert objective["maxLength"] == 2000
    assert "message" not in schema["properties"]
    assert answers_schema(GatherFlow) == schema  # a class will do
    assert list(answers_schema(JokeFlow())["properties"]) == ["topic"]


def test_every_registered_flow_has_a_schema() -> None:
    for name, entry in available_flows().items():
        schema = answers_schema(entry.factory())
        assert schema["x-hitl-flow"] == name
        assert schema["properties"]
        json.dumps(schema)
