"""Blocks inside code fences (the fence form of markers) and misspelt markers (RC406-RC408)."""

from __future__ import annotations

import pytest

from routecfg.targets.markers import block_key, body_digest, find_blocks, replace_blocks
from tests.test_markers import dedent, problems

FENCED = dedent(
    """
    ## Model rules

    ```
    Hand-written line kept as it is.
    # routecfg:begin model-rules
    old rules
    # routecfg:end model-rules
    Another hand-written line.
    ```
    """
)


def test_a_block_inside_a_fence_uses_the_fence_form() -> None:
    (block,) = find_blocks(FENCED, "SKILL.md")
    assert (block.name, block.begin_line, block.end_line, block.body) == (
        "model-rules",
        5,
        7,
        "old rules\n",
    )
    assert (block.style, block.fence, block.begin_marker) == (
        "#",
        "```",
        "# routecfg:begin model-rules",
    )


def test_replacing_a_fenced_body_keeps_the_fence_form_and_every_other_byte() -> None:
    blocks = find_blocks(FENCED, "SKILL.md")
    new_text = replace_blocks(FENCED, blocks, {block_key("model-rules"): "new rules\n"})
    digest = body_digest("new rules\n")
    assert new_text == FENCED.replace(
        "# routecfg:begin model-rules\nold rules\n",
        f"# routecfg:begin model-rules digest={digest}\nnew rules\n",
    )
    again = replace_blocks(
        new_text, find_blocks(new_text, "SKILL.md"), {block_key("model-rules"): "new rules\n"}
    )
    assert again == new_text


def test_slashes_lead_a_fenced_marker_too() -> None:
    text = "~~~js\n  // routecfg:begin prices\n  // routecfg:end prices\n~~~\n"
    (block,) = find_blocks(text, "SKILL.md")
    assert (block.style, block.fence, block.body) == ("//", "~~~", "")


def test_the_fence_form_outside_a_fence_is_a_heading_not_a_marker() -> None:
    assert find_blocks("# routecfg:begin model-rules\n# routecfg:end model-rules\n", "S.md") == ()


def test_html_markers_inside_a_fence_stay_examples() -> None:
    text = "```\n<!-- routecfg:begin model-rules -->\n```\n"
    assert find_blocks(text, "SKILL.md") == ()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("text\n```\n", "closes the code fence it sits in on its line 2"),
        ("# routecfg:end a\n", "holds a routecfg marker on its line 1"),
    ],
)
def test_a_fenced_body_may_not_break_its_fence(body: str, reason: str) -> None:
    text = "```\n# routecfg:begin a\n# routecfg:end a\n```\n"
    with pytest.raises(ValueError, match=f"^the new body of block 'a' {reason}$"):
        replace_blocks(text, find_blocks(text, "SKILL.md"), {block_key("a"): body})


def test_a_block_cannot_start_in_a_fence_and_end_outside_it() -> None:
    text = "```\n# routecfg:begin a\n```\n<!-- routecfg:end a -->\n"
    assert problems(text) == dedent(
        """
        SKILL.md:4:1: error[RC408]: block 'a' begins on line 2 inside the code fence opened on line 1 but ends on line 4 outside code fences
          hint: both markers of a block sit in the same place: inside one fence (written '# routecfg:begin a'), or outside fences (written '<!-- routecfg:begin a -->')
        """
    )


def test_fenced_marker_problems_name_the_fence_form() -> None:
    text = "```\n# routecfg:begin a\n```\n"
    assert problems(text) == dedent(
        """
        SKILL.md:2:1: error[RC402]: begin marker 'a' on line 2 is never closed
          hint: add '# routecfg:end a' on its own line after the block's body
        """
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "<!-- routecfg:begn prices -->\n",
            """
            SKILL.md:1:6: error[RC406]: unknown marker kind 'routecfg:begn'
              hint: did you mean 'routecfg:begin'?
            """,
            id="kind",
        ),
        pytest.param(
            "<!-- routcfg:begin prices -->\n",
            """
            SKILL.md:1:6: error[RC407]: 'routcfg:begin' looks like a misspelt routecfg marker
              hint: did you mean 'routecfg:begin'? a marker reads '<!-- routecfg:begin NAME -->'
            """,
            id="prefix",
        ),
        pytest.param(
            "  <!--routecfg-end prices-->\n",
            """
            SKILL.md:1:7: error[RC407]: 'routecfg-end' looks like a misspelt routecfg marker
              hint: did you mean 'routecfg:end'? a marker reads '<!-- routecfg:end NAME -->'
            """,
            id="separator",
        ),
        pytest.param(
            "<!-- routecfg begin prices -->\n",
            """
            SKILL.md:1:6: error[RC407]: 'routecfg begin' looks like a misspelt routecfg marker
              hint: did you mean 'routecfg:begin'? a marker reads '<!-- routecfg:begin NAME -->'
            """,
            id="space",
        ),
        pytest.param(
            "```\n# routecfg:edn prices\n```\n",
            """
            SKILL.md:2:3: error[RC406]: unknown marker kind 'routecfg:edn'
              hint: did you mean 'routecfg:end'?
            """,
            id="fenced-kind",
        ),
        pytest.param(
            "```\n// routcfg:begin prices\n```\n",
            """
            SKILL.md:2:4: error[RC407]: 'routcfg:begin' looks like a misspelt routecfg marker
              hint: did you mean 'routecfg:begin'? a marker reads '// routecfg:begin NAME'
            """,
            id="fenced-prefix",
        ),
    ],
)
def test_misspelt_markers_get_a_did_you_mean(text: str, expected: str) -> None:
    assert problems(text) == dedent(expected)


@pytest.mark.parametrize(
    "text",
    [
        "<!-- a comment about routing -->\n",
        "<!-- route: begin here -->\n",
        "<!-- routecfg:ignore RC801 -->\n",
        "```\n# router: begin\n# route cfg\n```\n",
        "<!-- TODO: end -->\n",
        "<!-- route end -->\n",
        "```yaml\n# route end: an ordinary comment\n```\n",
    ],
)
def test_ordinary_comments_and_ignore_lines_are_not_markers(text: str) -> None:
    assert find_blocks(text, "SKILL.md") == ()
