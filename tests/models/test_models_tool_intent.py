"""Which declared function a prompt asks for, by its words (for models too small to decide)."""

from __future__ import annotations

from typing import Any

import pytest

from genui.models.tool_intent import asked_tool, forced_tool, score


def tool(name: str, description: str = "") -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "description": description}}


WEATHER = tool("get_weather", "Get the current weather for a location")
FLIGHTS = tool("searchFlights", "Search flights between two airports")
RATES = tool("lookup", "Look up the exchange rate between two currencies")
EMAIL = tool("send_email", "Send an email to a user")
TOOLS = [EMAIL, WEATHER, FLIGHTS, RATES]


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("What's the weather like in San Francisco?", "get_weather"),
        ("Is the weather nice in Paris today?", "get_weather"),
        ("Find flights from Boston to Denver on May 3", "searchFlights"),  # camelCase, plural
        ("What is the exchange rate for EUR to USD?", "lookup"),  # two words of the description
        ("Please email Bob about the launch", "send_email"),  # "email" ~ "email"
    ],
)
def test_the_function_the_prompt_names_is_asked_for(prompt: str, expected: str) -> None:
    found = asked_tool(TOOLS, prompt)
    assert found is not None and found["function"]["name"] == expected


@pytest.mark.parametrize(
    "prompt",
    [
        "Write a poem about the sea",
        "Get me a list of the current data",  # only generic words
        "What is the rate of photosynthesis?",  # one word of a description is not enough
        "",
    ],
)
def test_nothing_is_asked_for_without_a_significant_word(prompt: str) -> None:
    assert asked_tool(TOOLS, prompt) is None
    assert all(score(t, prompt) == 0 for t in TOOLS)


def test_forced_choices() -> None:
    named = {"type": "function", "function": {"name": "searchFlights"}}
    assert forced_tool(TOOLS, named, "anything") is FLIGHTS
    assert forced_tool(TOOLS, {"type": "function", "name": "lookup"}, "x") is RATES  # Responses shape
    assert forced_tool(TOOLS, {"type": "function", "function": {"name": "nope"}}, "x") is None
    assert forced_tool(TOOLS, "required", "weather in Rome?") is WEATHER
    assert forced_tool(TOOLS, "required", "hello") is EMAIL  # nothing asked: the first
    assert forced_tool(TOOLS, "auto", "weather in Rome?") is None
    assert forced_tool(TOOLS, None, "weather in Rome?") is None
    assert forced_tool(TOOLS, "none", "weather in Rome?") is None
    assert forced_tool(None, "required", "weather") is None
