"""System prompt: generated from the active catalog only, short, with a valid example."""

from __future__ import annotations

import json
import re

from genui.ui import Catalog, parse_thesys_metadata

CATALOG = Catalog.default()
SIGNATURE = re.compile(r"^([A-Za-z]\w*)\(", re.MULTILINE)


def signatures(prompt: str) -> set[str]:
    return set(SIGNATURE.findall(prompt))


def test_prompt_lists_exactly_the_active_components() -> None:
    prompt = CATALOG.system_prompt()
    assert signatures(prompt) == set(CATALOG.component_names)
    assert "EditableTable" not in prompt
    for deprecated in ("CardHeader", "Callout", "BarChart", "MiniChart", "ListBlock", "Carousel", "Section"):
        assert deprecated not in signatures(prompt)


def test_prompt_has_the_output_instruction_signatures_and_guidance() -> None:
    prompt = CATALOG.system_prompt()
    assert 'ONE JSON object {"component":"Card","props":{"children":[...]}} and nothing else' in prompt
    assert "BarChartV2(chartData: Chart2D, variant?: grouped|stacked" in prompt
    assert "Chart2D = {" in prompt and "Action = " in prompt
    for topic in ("Tables", "charts", "Form", "FollowUpBlock"):
        assert topic in prompt


def test_prompt_is_short() -> None:
    prompt = CATALOG.system_prompt()
    # ~4 characters per token for this kind of text; the word/punctuation count is a stricter upper estimate
    assert len(prompt) < 6000
    assert len(re.findall(r"\w+|[^\w\s]", prompt)) < 1600


def test_prompt_example_is_a_valid_card_of_active_components() -> None:
    prompt = CATALOG.system_prompt()
    example_line = prompt.split("Example:\n", 1)[1].strip().splitlines()[0]
    example = json.loads(example_line)
    repairs: list[str] = []
    assert CATALOG.repair_tree(example, repairs) == example
    assert repairs == []


def test_prompt_follows_exclusions_and_custom_components_and_actions() -> None:
    meta = parse_thesys_metadata(
        json.dumps(
            {
                "c1_excluded_components": ["BarChartV2", "Layout"],
                "c1_included_components": ["EditableTable"],
                "c1_custom_components": {
                    "WeatherCard": {
                        "type": "object",
                        "description": "Current weather for a city",
                        "properties": {"city": {"type": "string"}, "tempC": {"type": "number"}},
                        "required": ["city"],
                    }
                },
                "c1_custom_actions": {
                    "add_to_cart": {"type": "object", "properties": {"sku": {"type": "string"}}}
                },
            }
        )
    )
    catalog = CATALOG.with_thesys(meta)
    prompt = catalog.system_prompt()
    names = signatures(prompt)
    assert names == set(catalog.component_names)
    assert "BarChartV2" not in names and "Layout" not in names
    assert "EditableTable" in names
    assert "WeatherCard(city, tempC?: number)  // Current weather for a city" in prompt
    assert '"add_to_cart"' in prompt
    example = json.loads(prompt.split("Example:\n", 1)[1].strip().splitlines()[0])
    assert "BarChartV2" not in json.dumps(example)
    assert catalog.repair_tree(example) == example


def test_prompt_is_pinned_to_the_catalog_version() -> None:
    assert Catalog.default("2026-11-21").system_prompt() == CATALOG.system_prompt()
