"""The JSON Schema of a flow's answers (``hitl schema FLOW``).

It describes the JSON object ``hitl new FLOW --answers FILE`` reads: one
property per answer field, keyed by the field's name (for a questionnaire, the
question id). Each property is the question class's own pydantic JSON schema
for that field (title = label, description = help, default, and the engine's
rules under ``x-hitl``), with the rules also written as standard keywords
(``minLength``, ``pattern``, ``enum``, ``minimum``...) so a generic validator
checks what it can. Extra keys: ``x-hitl-question`` (the question's event
class), and for a questionnaire ``x-hitl-prompt`` and ``x-hitl-when`` (the
condition as written). ``required`` lists only answers every run must give: a
questionnaire's required questions without a condition; for a hand-written
flow, whose questions may depend on its code, the per-field ``x-hitl.required``
tells.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_jsonable_python

from flows.questionnaire import QuestionnaireFlow
from hitl import Rules, Workflow

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def answers_schema(workflow: Workflow | type[Workflow]) -> dict[str, Any]:
    """The JSON Schema of ``workflow``'s answers, as a JSON-ready dict."""
    if isinstance(workflow, type):
        workflow = workflow()
    questionnaire = workflow.questionnaire if isinstance(workflow, QuestionnaireFlow) else None
    properties: dict[str, Any] = {}
    defs: dict[str, Any] = {}
    for cls in workflow.spec.questions:
        full = cls.model_json_schema()
        defs.update(full.get("$defs", {}))
        for name, rules in cls.answer_rules.items():
            prop = _constrained(dict(full["properties"][name]), rules)
            if name in properties:  # two questions of a hand-written flow share a name
                seen = properties[name]["x-hitl-question"]
                properties[name]["x-hitl-question"] = [
                    *(seen if isinstance(seen, list) else [seen]), cls.__name__,
                ]
                continue
            prop["x-hitl-question"] = cls.__name__
            properties[name] = prop
    required: list[str] = []
    if questionnaire is not None:
        ordered: dict[str, Any] = {}
        for question in questionnaire.questions:
            prop = properties[question.id]
            prop["x-hitl-prompt"] = question.prompt
            if question.when_data is not None:
                prop["x-hitl-when"] = question.when_data
            elif question.required:
                required.append(question.id)
            ordered[question.id] = prop
        properties = ordered
    title = type(workflow).title or workflow.flow_name
    schema: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "title": f"{title}: answers",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "x-hitl-flow": workflow.flow_name,
    }
    description = type(workflow).description
    if description:
        schema["description"] = description
    if required:
        schema["required"] = required
    if questionnaire is not None:
        schema["x-hitl-version"] = questionnaire.version
    if defs:
        schema["$defs"] = defs
    return to_jsonable_python(schema)


def _keywords(rules: Rules, json_type: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if json_type == "string" and rules.kind != "date":
        if rules.min_length is not None or rules.required:
            out["minLength"] = max(rules.min_length or 0, 1 if rules.required else 0)
        if rules.max_length is not None:
            out["maxLength"] = rules.max_length
        if rules.pattern is not None:
            out["pattern"] = f"^(?:{rules.pattern})$"
        if rules.choices is not None:
            out["enum"] = list(rules.choices)
    elif json_type == "array":
        if rules.min_length is not None or rules.required:
            out["minItems"] = max(rules.min_length or 0, 1 if rules.required else 0)
        if rules.max_length is not None:
            out["maxItems"] = rules.max_length
        if rules.choices is not None:
            out["items"] = {"type": "string", "enum": list(rules.choices)}
    elif json_type in ("integer", "number"):
        if rules.ge is not None:
            out["minimum"] = rules.ge
        if rules.le is not None:
            out["maximum"] = rules.le
    return out


def _constrained(prop: dict[str, Any], rules: Rules) -> dict[str, Any]:
    """``prop`` with ``rules`` added as standard keywords on its non-null branch.

    An optional text or list answer may also be empty, whatever its rules say.
    """
    if "anyOf" in prop:
        branches = [dict(b) for b in prop["anyOf"]]
        prop["anyOf"] = branches
        targets = [b for b in branches if b.get("type") != "null"]
        if len(targets) != 1:
            return prop
        target = targets[0]
    else:
        target = prop
    json_type = target.get("type")
    keywords = _keywords(rules, json_type if isinstance(json_type, str) else None)
    if not keywords:
        return prop
    refuses_empty = any(k in keywords for k in ("minLength", "pattern", "enum", "minItems"))
    if rules.required or json_type not in ("string", "array") or not refuses_empty:
        target.update(keywords)
        return prop
    value = {k: v for k, v in target.items() if k in ("type", "format", "items")}
    empty = (
        {"type": "string", "pattern": r"^\s*$"} if json_type == "string"
        else {"type": "array", "maxItems": 0}
    )
    for key in ("type", "format", "items"):
        target.pop(key, None)
    target["anyOf"] = [{**value, **keywords}, empty]
    return prop


__all__ = ["SCHEMA_DIALECT", "answers_schema"]
