"""Edit-mode merge (artifacts-and-visualize.md §2.6)."""

from __future__ import annotations

from genui.ui.openui import merge_statements

BASE = (
    'root = SlideShow("Q4 results", "Board review, FY2026", [s1, s2, s3])\n'
    's1 = Slide("s1", StandardTitle("Q4 results", "Board review"))\n'
    's2 = Slide("s2", ChartWithMetrics("Revenue by quarter", '
    '[{metric: "$4.2M", description: "Q4 revenue"}], rev))\n'
    'rev = BarChartV2({data: {labels: ["Q1", "Q2", "Q3", "Q4"], '
    'series: [{category: "Revenue", values: [3.1, 3.4, 3.9, 4.2]}]}, unit: "m"})\n'
    's3 = Slide("s3", ContentClassic("Next steps", '
    '["Hire three account executives", "Open the Berlin office"]))'
)


def test_replace_in_place_append_new_and_collect_the_unreachable() -> None:
    patch = (
        's2 = Slide("s2", ChartWithMetrics("European revenue", '
        '[{metric: "$1.1M", description: "EU share of Q4"}], eu))\n'
        'eu = BarChartV2({data: {labels: ["Q1", "Q2", "Q3", "Q4"], '
        'series: [{category: "EU", values: [0.7, 0.8, 1.0, 1.1]}]}, unit: "m"})'
    )
    merged = merge_statements(BASE, patch).split("\n")
    assert [line.split(" = ")[0] for line in merged] == ["root", "s1", "s2", "s3", "eu"]
    assert "European revenue" in merged[2] and not any(line.startswith("rev =") for line in merged)


def test_deletion_by_redeclaring_the_parent_and_by_null() -> None:
    by_parent = merge_statements(BASE, 'root = SlideShow("Q4 results", "Board review, FY2026", [s1, s2])')
    assert "s3 =" not in by_parent and by_parent.startswith(
        'root = SlideShow("Q4 results", "Board review, FY2026", [s1, s2])'
    )
    by_null = merge_statements(BASE, "s3 = null")
    assert "s3 =" not in by_null and "[s1, s2, s3]" in by_null  # left as an unresolved reference


def test_state_is_kept_and_empty_sides() -> None:
    assert (
        merge_statements('$x = 1\nroot = Card([a])\na = H("a")\nb = H("b")', 'a = H("A")')
        == '$x = 1\nroot = Card([a])\na = H("A")'
    )
    assert merge_statements("", "```\nroot = Card([])\n```") == "root = Card([])"
    assert merge_statements("root = Card([])\n", "") == "root = Card([])\n"  # unchanged, byte for byte


def test_without_root_nothing_is_collected() -> None:
    assert merge_statements('a = H("a")\nb = H("b")', 'c = H("c")') == 'a = H("a")\nb = H("b")\nc = H("c")'
