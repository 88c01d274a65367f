"""Generated-block markers in Markdown: strict parsing, digests, and replacing bodies in place."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from routecfg.diagnostics import Diagnostic, RoutecfgError
from routecfg.targets.markers import (
    Block,
    BlockKey,
    block_key,
    block_state,
    body_digest,
    find_blocks,
    replace_blocks,
)

EMPTY_DIGEST = "sha256:e3b0c44298fc"  # the SHA-256 of no bytes at all


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def shown(diagnostic: Diagnostic) -> str:
    d = diagnostic
    return f"{d.path}:{d.line}:{d.column}: {d.severity}[{d.code}]: {d.message}\n  hint: {d.hint}\n"


def problems(text: str) -> str:
    """Every diagnostic find_blocks raises for ``text``, as the report prints them."""
    with pytest.raises(RoutecfgError) as caught:
        find_blocks(text, "SKILL.md")
    return "".join(shown(d) for d in caught.value.diagnostics)


def only_block(text: str) -> Block:
    (block,) = find_blocks(text, "SKILL.md")
    return block


def replaced(text: str, new_body: str) -> str:
    block = only_block(text)
    return replace_blocks(text, [block], {block.key: new_body})


# --- finding blocks ----------------------------------------------------------------------------


def test_finds_blocks_with_positions_params_and_digest() -> None:
    text = dedent(
        """
        # Implementer

        <!-- routecfg:begin gate-routing -->
        - plan: free
        <!-- routecfg:end gate-routing -->
        Between.
        <!-- routecfg:begin gate-model gate="write agent" tier=cheap digest=sha256:0123abcd4567 -->
        Model: sonnet
        <!-- routecfg:end gate-model -->
        """
    )
    routing_start = text.index("- plan")
    model_start = text.index("Model:")
    assert find_blocks(text, "SKILL.md") == (
        Block(
            name="gate-routing",
            params=(),
            digest=None,
            begin_line=3,
            end_line=5,
            body="- plan: free\n",
            body_start=routing_start,
            body_end=routing_start + len("- plan: free\n"),
            begin_marker="<!-- routecfg:begin gate-routing -->",
            begin_marker_start=text.index("<!-- routecfg:begin gate-routing"),
        ),
        Block(
            name="gate-model",
            params=(("gate", "write agent"), ("tier", "cheap")),
            digest="sha256:0123abcd4567",
            begin_line=7,
            end_line=9,
            body="Model: sonnet\n",
            body_start=model_start,
            body_end=model_start + len("Model: sonnet\n"),
            begin_marker=(
                '<!-- routecfg:begin gate-model gate="write agent" tier=cheap '
                "digest=sha256:0123abcd4567 -->"
            ),
            begin_marker_start=text.index("<!-- routecfg:begin gate-model"),
        ),
    )


def test_text_without_markers_has_no_blocks() -> None:
    assert find_blocks("# Title\n\n<!-- an ordinary comment -->\n", "SKILL.md") == ()
    assert find_blocks("", "SKILL.md") == ()


def test_empty_body_and_indented_markers_with_trailing_blanks() -> None:
    text = "  <!-- routecfg:begin prices -->\t\n\t<!-- routecfg:end prices -->  \n"
    block = only_block(text)
    assert (block.body, block.body_start, block.body_end) == ("", 34, 34)
    assert (block.begin_marker, block.begin_marker_start) == ("<!-- routecfg:begin prices -->", 2)


def test_last_line_may_lack_a_newline_and_markers_need_no_inner_blanks() -> None:
    block = only_block("<!--routecfg:begin a-->\nbody\n<!--routecfg:end a-->")
    assert (block.name, block.body, block.begin_marker) == (
        "a",
        "body\n",
        "<!--routecfg:begin a-->",
    )


def test_markers_inside_code_fences_are_documentation() -> None:
    text = dedent(
        """
        Write a block like this:

        ```markdown
        <!-- routecfg:begin model-rules -->
        ```
        ~~~
        <!-- routecfg:end prices -->
        ```
        <!-- still inside: a ``` fence cannot close a ~~~ one -->
        ~~~
        ````
        ```
        <!-- routecfg:begin nested-fence -->
        ```
        ````
        ```inline``` is not a fence, so this is a real block:
        <!-- routecfg:begin real -->
          ```yaml
          <!-- routecfg:end real -->
          ```
        <!-- routecfg:end real -->
        """
    )
    (block,) = find_blocks(text, "SKILL.md")
    assert (block.name, block.begin_line, block.end_line) == ("real", 17, 21)


def test_a_byte_order_mark_may_sit_before_a_marker_on_any_line() -> None:
    """The scan looks only at lines that may hold a marker; one behind a byte-order mark (and
    blanks) is found like any other, outside fences and inside them."""
    text = (
        "\ufeff<!-- routecfg:begin a -->\nbody\n\ufeff<!-- routecfg:end a -->\n"
        "```\n \ufeff# routecfg:begin b\nx\n# routecfg:end b\n```\n"
    )
    blocks = find_blocks(text, "SKILL.md")
    assert [(b.name, b.begin_line, b.end_line, b.fence) for b in blocks] == [
        ("a", 1, 3, None),
        ("b", 5, 7, "```"),
    ]
    assert [b.begin_marker_start for b in blocks] == [1, text.index("# routecfg:begin b")]


def test_a_fence_left_open_hides_the_rest_of_the_file() -> None:
    assert find_blocks("```\n<!-- routecfg:begin a -->\n", "SKILL.md") == ()


def test_a_marker_mentioned_inside_a_paragraph_is_not_a_marker() -> None:
    text = "Write `<!-- routecfg:begin NAME -->` on its own line.\n"
    assert find_blocks(text, "SKILL.md") == ()


# --- errors ------------------------------------------------------------------------------------


def test_rc401_end_without_begin() -> None:
    text = "intro\n<!-- routecfg:end prices -->\n"
    assert problems(text) == dedent(
        """
        SKILL.md:2:1: error[RC401]: end marker 'prices' on line 2 has no open block
          hint: add '<!-- routecfg:begin prices -->' above it, or delete it
        """
    )


def test_rc402_begin_never_closed() -> None:
    text = "intro\n   <!-- routecfg:begin prices -->\nbody\n"
    assert problems(text) == dedent(
        """
        SKILL.md:2:4: error[RC402]: begin marker 'prices' on line 2 is never closed
          hint: add '<!-- routecfg:end prices -->' on its own line after the block's body
        """
    )


def test_rc403_nested_blocks_give_one_diagnostic() -> None:
    text = dedent(
        """
        <!-- routecfg:begin outer -->
        <!-- routecfg:begin inner -->
        <!-- routecfg:end inner -->
        <!-- routecfg:end outer -->
        """
    )
    assert problems(text) == dedent(
        """
        SKILL.md:2:1: error[RC403]: begin marker 'inner' on line 2 is inside block 'outer' opened on line 1
          hint: blocks cannot nest: close 'outer' with '<!-- routecfg:end outer -->' first
        """
    )


def test_rc403_a_forgotten_end_is_reported_at_both_ends() -> None:
    text = dedent(
        """
        <!-- routecfg:begin outer -->
        <!-- routecfg:begin inner -->
        <!-- routecfg:end inner -->
        """
    )
    assert problems(text) == dedent(
        """
        SKILL.md:1:1: error[RC402]: begin marker 'outer' on line 1 is never closed
          hint: add '<!-- routecfg:end outer -->' on its own line after the block's body
        SKILL.md:2:1: error[RC403]: begin marker 'inner' on line 2 is inside block 'outer' opened on line 1
          hint: blocks cannot nest: close 'outer' with '<!-- routecfg:end outer -->' first
        """
    )


def test_rc403_end_of_the_outer_block_closes_the_inner_one_silently() -> None:
    text = dedent(
        """
        <!-- routecfg:begin outer -->
        <!-- routecfg:begin inner -->
        <!-- routecfg:end outer -->
        """
    )
    assert problems(text) == dedent(
        """
        SKILL.md:2:1: error[RC403]: begin marker 'inner' on line 2 is inside block 'outer' opened on line 1
          hint: blocks cannot nest: close 'outer' with '<!-- routecfg:end outer -->' first
        """
    )


def test_rc404_end_name_differs_and_closes_the_block() -> None:
    text = (
        "\n\n\n<!-- routecfg:begin model-rules -->\n" + "x\n" * 7 + "<!-- routecfg:end prices -->\n"
    )
    assert problems(text) == dedent(
        """
        SKILL.md:12:1: error[RC404]: end marker 'prices' on line 12 does not match begin marker 'model-rules' on line 4
          hint: an end marker repeats its begin marker's name: '<!-- routecfg:end model-rules -->'
        """
    )


def test_rc405_same_name_and_same_params_in_any_order() -> None:
    text = dedent(
        """
        <!-- routecfg:begin gate-model gate=plan tier=free -->
        <!-- routecfg:end gate-model -->
        <!-- routecfg:begin gate-model gate=implement tier=free -->
        <!-- routecfg:end gate-model -->
        <!-- routecfg:begin gate-model tier=free gate="plan" digest=sha256:0123abcd4567 -->
        <!-- routecfg:end gate-model -->
        """
    )
    assert problems(text) == dedent(
        """
        SKILL.md:5:1: error[RC405]: block 'gate-model tier=free gate=plan' on line 5 repeats the block on line 1
          hint: delete one of them, or give them different parameters
        """
    )


def test_blocks_with_the_same_name_and_other_params_are_distinct() -> None:
    text = dedent(
        """
        <!-- routecfg:begin gate-model gate=plan -->
        <!-- routecfg:end gate-model -->
        <!-- routecfg:begin gate-model gate=implement -->
        <!-- routecfg:end gate-model -->
        """
    )
    keys = [block.key for block in find_blocks(text, "SKILL.md")]
    assert keys == [
        block_key("gate-model", [("gate", "plan")]),
        ("gate-model", (("gate", "implement"),)),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(
            "<!-- routecfg:begin Gate_Model -->",
            """
            SKILL.md:1:1: error[RC402]: begin marker 'Gate_Model' on line 1 is never closed
              hint: add '<!-- routecfg:end Gate_Model -->' on its own line after the block's body
            SKILL.md:1:21: error[RC406]: invalid block name 'Gate_Model'
              hint: a block name is lower-case letters, digits and '-', starting with a letter, e.g. 'prices'
            """,
            id="bad-name",
        ),
        pytest.param(
            "<!-- routecfg:begin -->",
            """
            SKILL.md:1:21: error[RC406]: begin marker has no block name
              hint: write '<!-- routecfg:begin NAME -->' with the block's name
            """,
            id="no-name",
        ),
        pytest.param(
            "<!-- routecfg:start prices -->",
            """
            SKILL.md:1:6: error[RC406]: unknown marker kind 'routecfg:start'
              hint: write 'routecfg:begin NAME' or 'routecfg:end NAME'
            """,
            id="unknown-kind",
        ),
        pytest.param(
            "<!-- routecfg:begin prices",
            """
            SKILL.md:1:1: error[RC402]: begin marker 'prices' on line 1 is never closed
              hint: add '<!-- routecfg:end prices -->' on its own line after the block's body
            SKILL.md:1:27: error[RC406]: marker has no closing '-->'
              hint: end the comment on the same line
            """,
            id="no-closing",
        ),
        pytest.param(
            "<!-- routecfg:begin prices --> see below",
            """
            SKILL.md:1:1: error[RC402]: begin marker 'prices' on line 1 is never closed
              hint: add '<!-- routecfg:end prices -->' on its own line after the block's body
            SKILL.md:1:32: error[RC406]: text after the marker's '-->': 'see below'
              hint: a marker must be alone on its line; move the text to a line of its own
            """,
            id="text-after",
        ),
        pytest.param(
            "<!-- routecfg:begin gate-model Gate=plan implement -->",
            """
            SKILL.md:1:1: error[RC402]: begin marker 'gate-model' on line 1 is never closed
              hint: add '<!-- routecfg:end gate-model -->' on its own line after the block's body
            SKILL.md:1:32: error[RC406]: invalid attribute 'Gate=plan' in begin marker 'gate-model'
              hint: write key=value or key="quoted value"; a key is lower-case letters, digits, '_' and '-'
            SKILL.md:1:42: error[RC406]: invalid attribute 'implement' in begin marker 'gate-model'
              hint: write key=value or key="quoted value"; a key is lower-case letters, digits, '_' and '-'
            """,
            id="bad-attributes",
        ),
        pytest.param(
            '<!-- routecfg:begin gate-model gate="write agent -->',
            """
            SKILL.md:1:1: error[RC402]: begin marker 'gate-model' on line 1 is never closed
              hint: add '<!-- routecfg:end gate-model -->' on its own line after the block's body
            SKILL.md:1:32: error[RC406]: attribute 'gate="write agent' in begin marker 'gate-model' has no closing quote
              hint: close the quote: key="a value"
            """,
            id="open-quote",
        ),
    ],
)
def test_rc406_malformed_marker(line: str, expected: str) -> None:
    assert problems(line + "\n") == dedent(expected)


def test_rc406_malformed_markers_still_pair_by_name() -> None:
    text = dedent(
        """
        <!-- routecfg:begin prices gate=a gate=b digest=sha256:XYZ -->
        <!-- routecfg:end prices digest=sha256:0123abcd4567 -->
        """
    )
    assert problems(text) == dedent(
        """
        SKILL.md:1:35: error[RC406]: attribute 'gate' appears twice in begin marker 'prices'
          hint: keep one of them
        SKILL.md:1:42: error[RC406]: invalid digest 'sha256:XYZ' in begin marker 'prices'
          hint: routecfg writes digest=sha256:<12 hex digits>; delete it and run `routecfg build`
        SKILL.md:2:26: error[RC406]: end marker 'prices' takes no attributes
          hint: write '<!-- routecfg:end prices -->'
        """
    )


def test_every_problem_is_collected_in_one_raise_sorted_by_position() -> None:
    text = dedent(
        """
        <!-- routecfg:end stray -->
        <!-- routecfg:begin model-rules -->
        <!-- routecfg:end prices -->
        <!-- routecfg:begin prices x -->
        <!-- routecfg:end prices -->
        <!-- routecfg:begin model-rules -->
        """
    )
    assert problems(text) == dedent(
        """
        SKILL.md:1:1: error[RC401]: end marker 'stray' on line 1 has no open block
          hint: add '<!-- routecfg:begin stray -->' above it, or delete it
        SKILL.md:3:1: error[RC404]: end marker 'prices' on line 3 does not match begin marker 'model-rules' on line 2
          hint: an end marker repeats its begin marker's name: '<!-- routecfg:end model-rules -->'
        SKILL.md:4:28: error[RC406]: invalid attribute 'x' in begin marker 'prices'
          hint: write key=value or key="quoted value"; a key is lower-case letters, digits, '_' and '-'
        SKILL.md:6:1: error[RC402]: begin marker 'model-rules' on line 6 is never closed
          hint: add '<!-- routecfg:end model-rules -->' on its own line after the block's body
        SKILL.md:6:1: error[RC405]: block 'model-rules' on line 6 repeats the block on line 2
          hint: delete one of them, or give them different parameters
        """
    )
    with pytest.raises(RoutecfgError) as caught:
        find_blocks(text, "skills/a/SKILL.md")
    assert {d.path for d in caught.value.diagnostics} == {"skills/a/SKILL.md"}
    assert str(caught.value).splitlines()[0] == "end marker 'stray' on line 1 has no open block"


# --- digests -----------------------------------------------------------------------------------


def test_body_digest_is_twelve_hex_digits_and_ignores_line_endings() -> None:
    assert body_digest("") == EMPTY_DIGEST
    assert body_digest("a\nb\n") == "sha256:911169ddaaf1"
    assert body_digest("a\r\nb\r\n") == "sha256:911169ddaaf1"
    assert body_digest("a\nb\n") == body_digest("a\rb\r")
    assert body_digest("a\nb\n") != body_digest("a\nb")
    assert len(body_digest("x")) == len("sha256:") + 12


def test_block_state() -> None:
    no_digest = "<!-- routecfg:begin a -->\nx\n<!-- routecfg:end a -->\n"
    digest = body_digest("x\n")
    fresh = f"<!-- routecfg:begin a digest={digest} -->\nx\n<!-- routecfg:end a -->\n"
    assert block_state(only_block(no_digest)) == "no-digest"
    assert block_state(only_block(fresh)) == "fresh"
    assert block_state(only_block(fresh.replace("\nx\n", "\ny\n"))) == "hand-edited"
    assert block_state(only_block(fresh.replace("\n", "\r\n"))) == "fresh"


# --- replacing bodies --------------------------------------------------------------------------

SKILL = dedent(
    """
    ---
    name: backlog-implementer
    ---
    # Implementer  \t

    <!-- routecfg:begin gate-routing -->
    - plan: balanced
    <!-- routecfg:end gate-routing -->

    Hand-written text, kept as is.
      <!-- routecfg:begin gate-model gate="write agent" tier=cheap -->
    Model: sonnet
      <!-- routecfg:end gate-model -->
    trailing text without a newline"""
)


def test_replace_changes_only_the_bodies_and_their_digests() -> None:
    blocks = find_blocks(SKILL, "SKILL.md")
    routing, model = (block.key for block in blocks)
    routing_body, model_body = "- plan: free\n- lint: cheap\n", "Model: haiku"
    new_text = replace_blocks(SKILL, blocks, {routing: routing_body, model: model_body})
    routing_digest, model_digest = body_digest(routing_body), body_digest(model_body + "\n")
    assert new_text == dedent(
        f"""
        ---
        name: backlog-implementer
        ---
        # Implementer  \t

        <!-- routecfg:begin gate-routing digest={routing_digest} -->
        - plan: free
        - lint: cheap
        <!-- routecfg:end gate-routing -->

        Hand-written text, kept as is.
          <!-- routecfg:begin gate-model gate="write agent" tier=cheap digest={model_digest} -->
        Model: haiku
          <!-- routecfg:end gate-model -->
        trailing text without a newline"""
    )


def test_replace_leaves_blocks_without_a_new_body_alone() -> None:
    blocks = find_blocks(SKILL, "SKILL.md")
    new_text = replace_blocks(SKILL, blocks, {block_key("gate-routing"): ""})
    assert new_text == SKILL.replace(
        "<!-- routecfg:begin gate-routing -->\n- plan: balanced\n",
        f"<!-- routecfg:begin gate-routing digest={EMPTY_DIGEST} -->\n",
    )
    assert replace_blocks(SKILL, blocks, {}) == SKILL


def test_replace_moves_the_digest_last_and_rewrites_params_canonically() -> None:
    text = dedent(
        """
        <!--  routecfg:begin a   digest=sha256:0123abcd4567 x="plain" y="two words" -->
        old
        <!-- routecfg:end a -->
        """
    )
    digest = body_digest("new\n")
    assert replaced(text, "new\n") == dedent(
        f"""
        <!-- routecfg:begin a x=plain y="two words" digest={digest} -->
        new
        <!-- routecfg:end a -->
        """
    )


def test_replace_keeps_a_marker_whose_digest_is_already_right() -> None:
    digest = body_digest("same\n")
    text = f'<!--  routecfg:begin a x="plain"  digest={digest} -->\nsame\n<!-- routecfg:end a -->\n'
    assert replaced(text, "same\n") == text


def test_empty_bodies_both_ways() -> None:
    empty = "<!-- routecfg:begin a -->\n<!-- routecfg:end a -->\n"
    filled = replaced(empty, "one line")
    digest = body_digest("one line\n")
    assert (
        filled == f"<!-- routecfg:begin a digest={digest} -->\none line\n<!-- routecfg:end a -->\n"
    )
    emptied = f"<!-- routecfg:begin a digest={EMPTY_DIGEST} -->\n<!-- routecfg:end a -->\n"
    assert replaced(filled, "") == emptied


def test_crlf_files_keep_crlf_in_the_new_body() -> None:
    text = "Intro\r\n<!-- routecfg:begin a -->\r\nold\r\n<!-- routecfg:end a -->\r\nOutro\r\n"
    digest = body_digest("one\ntwo\n")
    expected = f"Intro\r\n<!-- routecfg:begin a digest={digest} -->\r\none\r\ntwo\r\n<!-- routecfg:end a -->\r\nOutro\r\n"
    assert replaced(text, "one\ntwo\n") == expected
    assert replaced(text, "one\r\ntwo") == expected
    assert block_state(only_block(expected)) == "fresh"


def test_lf_files_get_lf_even_from_a_crlf_body() -> None:
    text = "<!-- routecfg:begin a -->\nold\n<!-- routecfg:end a -->\n"
    assert replaced(text, "one\r\ntwo\r\n") == replaced(text, "one\ntwo\n")
    assert "\r" not in replaced(text, "one\r\ntwo\r\n")


def test_digest_round_trip_and_hand_edit_detection() -> None:
    new_text = replace_blocks(
        SKILL,
        find_blocks(SKILL, "SKILL.md"),
        {
            block_key("gate-routing"): "- plan: free\n",
            block_key("gate-model", [("tier", "cheap"), ("gate", "write agent")]): "Model: opus\n",
        },
    )
    assert [block_state(block) for block in find_blocks(new_text, "SKILL.md")] == ["fresh", "fresh"]
    edited = new_text.replace("- plan: free\n", "- plan: frontier\n")
    assert [block_state(block) for block in find_blocks(edited, "SKILL.md")] == [
        "hand-edited",
        "fresh",
    ]


def test_replacing_with_the_same_bodies_twice_gives_the_same_text() -> None:
    bodies = {
        block_key("gate-routing"): "- plan: free\n",
        block_key("gate-model", [("gate", "write agent"), ("tier", "cheap")]): "Model: opus\n",
    }
    once = replace_blocks(SKILL, find_blocks(SKILL, "SKILL.md"), bodies)
    twice = replace_blocks(once, find_blocks(once, "SKILL.md"), bodies)
    assert twice == once
    assert replace_blocks(once, find_blocks(once, "SKILL.md"), {}) == once


def test_replace_rejects_keys_and_blocks_that_are_not_in_the_text() -> None:
    blocks = find_blocks(SKILL, "SKILL.md")
    with pytest.raises(ValueError, match="no block in the text for"):
        replace_blocks(SKILL, blocks, {BlockKey("prices", ()): "x\n"})
    with pytest.raises(ValueError, match="block 'gate-routing' on line 6 is not in this text"):
        replace_blocks("\n" + SKILL, blocks, {block_key("gate-routing"): "x\n"})


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<!-- routecfg:end a -->\n", "holds a routecfg marker on its line 1"),
        ("text\n```python\ncode\n", "leaves a code fence open, which would hide the end marker"),
    ],
)
def test_replace_rejects_a_body_that_would_break_its_block(body: str, reason: str) -> None:
    text = "<!-- routecfg:begin a -->\n<!-- routecfg:end a -->\n"
    with pytest.raises(ValueError, match=f"^the new body of block 'a' {reason}$"):
        replaced(text, body)


def test_a_body_may_show_markers_inside_a_closed_fence() -> None:
    text = "<!-- routecfg:begin a -->\n<!-- routecfg:end a -->\n"
    body = "Example:\n~~~\n<!-- routecfg:begin b -->\n~~~\n"
    new_text = replaced(text, body)
    assert only_block(new_text).body == body


# --- the real skills upstream ------------------------------------------------------------------


def upstream_skills(root: Path) -> dict[str, str]:
    paths = sorted(root.glob("*/skills/**/SKILL.md"))
    return {str(path.relative_to(root)): path.read_text(encoding="utf-8") for path in paths}


def test_real_skill_files_have_no_blocks_yet(upstream: Path) -> None:
    skills = upstream_skills(upstream)
    assert "head/skills/backlog-implementer/SKILL.md" in skills
    found = {path: find_blocks(text, path) for path, text in skills.items()}
    assert found == dict.fromkeys(skills, ())


def test_blocks_around_every_real_skill_file_leave_it_intact(upstream: Path) -> None:
    def block(name: str, marker_extra: str, body: str) -> str:
        return f"<!-- routecfg:begin {name}{marker_extra} -->\n{body}<!-- routecfg:end {name} -->\n"

    digest = " digest=" + body_digest("new\n")
    for path, text in upstream_skills(upstream).items():
        original = text if text.endswith("\n") else text + "\n"
        marked = block("prices", "", "old\n") + original + block("model-rules", "", "")
        blocks = find_blocks(marked, path)
        new_text = replace_blocks(marked, blocks, {b.key: "new" for b in blocks})
        assert new_text == (
            block("prices", digest, "new\n") + original + block("model-rules", digest, "new\n")
        ), path
