"""A title from a request's own words: "Show as a pie chart of monthly costs" -> "Monthly costs"."""

from __future__ import annotations

import re

from ..quality import text_flags
from .text import capitalized, clip

_COMMAND = re.compile(
    r"""^(?:(?:please|pls|kindly)\s+)?(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?
    (?:(?:show|make|create|build|draw|plot|generate|give|render|display|design|produce|prepare|put|turn|
        format|visuali[sz]e|tabulate|summari[sz]e|write|add|present|convert|compose|list|compare|sketch|get|
        name(?=\s+(?:the|all|some|\d+|two|three|four|five|six|seven|eight|nine|ten)\b)|
        (?:chart|graph)(?!\s+(?:of|for|about|showing|on|from)\b))\b(?:\s+(?:me|us))?\s*
      |(?:i|we)\s+(?:want|need|would\s+like|'d\s+like)\s+(?:to\s+(?:see|have|get|make|create)\s+)?
      |let\s+me\s+see\s+|help\s+me\s+(?:with\s+|make\s+|create\s+|build\s+)?
      |(?:explain|describe|define|tell\s+(?:me|us)\s+about|what\s+(?:is|are))\s+(?=\w)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_QUESTION = re.compile(r"^(?:what|who|why|how|when|where|which|is|are|do|does|can)\b", re.IGNORECASE)
_DETERMINER = re.compile(
    r"^(?:a|an|the|this|these|those|that|my|our|your|some|following|it|them)\s+", re.IGNORECASE
)
_ADJECTIVE = re.compile(r"^(?:simple|quick|short|small|nice|new|basic|clean|numbered|bulleted)\s+", re.I)
_KIND = r"(?:(?:pie|bar|line|area|donut|doughnut|column|radar|bullet|bulleted|numbered|ordered|unordered)\s+)?(?:chart|graph|plot|diagram|table|list|checklist|bullets|bullet\s+points|card|summary(?:\s+card)?|form|overview)s?"  # noqa: E501
_KIND_LEAD = re.compile(
    rf"^{_KIND}\s+(?:of|for|about|showing|with|on|to|from|that\s+shows|listing|comparing)(?:\s+|$)",
    re.IGNORECASE,
)
# The kind of UI named after the data or the subject ("... as a bar chart", "... in a table").
# ("in"/"on"/"with" only with an article: "a sign in form" names no kind after its subject)
KIND_TAIL = re.compile(
    rf"\s+(?:as(?:\s+(?:a|an|the))?|(?:in|into|on|with)\s+(?:a|an|the))\s+{_KIND}\s*[.!]?$", re.IGNORECASE
)
_DATA = r"(?:csv|tsv|json|data|dataset|numbers|values|figures|results|info|information|facts|details|items|points|fields|it|them|this|these)"  # noqa: E501
_KIND_ONLY = re.compile(rf"^(?:{_KIND}|{_DATA})$", re.IGNORECASE)
# "... as a table", "... into a list", "Convert to a table"
_KIND_AS = re.compile(rf"^(?:as|in|into|to)\s+(?:a|an|the)?\s*{_KIND}\b", re.IGNORECASE)
# A word left hanging where the data began ("Compare the revenue of Q1 120, ..." -> "Revenue of"); not "in"
# or "on", which end a subject too ("Log in", "Add on").
_DANGLING = re.compile(r"\s+(?:of|for|by|with|from|about|showing|and)$", re.IGNORECASE)


def title_of(lead: str) -> str | None:
    """The request minus command words, articles and the kind of UI; None when nothing but those is left, or
    only a catalog name ("Steps", "Stats")."""
    text = " ".join(lead.split()).strip(" .:;,!")
    if not text or "\n" in lead.strip():
        return None
    asked = text

    for _ in range(3):  # "Show me a simple pie chart of these costs": command, article, adjective, kind, ...
        before = text
        text = _COMMAND.sub("", text, count=1)
        text = _DETERMINER.sub("", text, count=1)
        text = _ADJECTIVE.sub("", text, count=1)
        text = _KIND_LEAD.sub("", text, count=1)
        text = KIND_TAIL.sub("", text, count=1)
        text = _KIND_AS.sub("", text, count=1).strip()
        text = _DANGLING.sub("", text, count=1)
        if text == before:
            break
    text = text.strip(" .:;,!-–—")
    if asked.endswith("?") and _QUESTION.match(asked) and not _QUESTION.match(text):
        text = text.rstrip("?")  # "What is photosynthesis?" -> "Photosynthesis"
    if not text or _KIND_ONLY.match(text) or not any(ch.isalpha() for ch in text):
        return None
    if "catalog name" in text_flags(text):
        return None  # "Numbered steps: ..." -> "Steps", a component's name: it would read as a placeholder
    return capitalized(clip(text, 120))
