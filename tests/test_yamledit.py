"""In-place edits of a LiteLLM proxy YAML: exact text in, exact text out."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from ruamel.yaml.comments import CommentedMap

from routecfg.diagnostics import RoutecfgError
from routecfg.targets import yamledit
from routecfg.targets.yamledit import Position, ProxyDoc
from tests.conftest import SNAPSHOTS

PROXY_FILES = [
    f"{snapshot}/config/litellm/{name}"
    for snapshot in SNAPSHOTS
    for name in ("proxy-config.docker.yaml", "proxy-config.template.yaml")
]
DOCKER = "config/litellm/proxy-config.docker.yaml"
HAIKU_NAMES = ("cheap", "claude-haiku-4-5", "claude-haiku-4-5-20251001")
# head's prices for Haiku, per token, in PRICE_KEYS order ($1.10, $5.50, $0.11, $1.375 per MTok)
HAIKU_PRICES = (
    Decimal("0.0000011"),
    Decimal("0.0000055"),
    Decimal("0.00000011"),
    Decimal("0.000001375"),
)

Edit = Callable[[ProxyDoc], object]


def read(directory: Path, relative: str) -> str:
    return (directory / relative).read_bytes().decode("utf-8")  # bytes as they are, CRLF too


def dedent(text: str, indent: str = "") -> str:
    return textwrap.indent(textwrap.dedent(text).lstrip("\n"), indent)


def edited(text: str, *edits: Edit) -> str:
    doc = yamledit.load(text, "proxy.yaml")
    for edit in edits:
        edit(doc)
    result = yamledit.dump(doc)
    assert yamledit.dump(yamledit.load(result, "again.yaml")) == result  # still editable
    return result


def errors(text: str, *edits: Edit) -> list[str]:
    with pytest.raises(RoutecfgError) as caught:
        edited(text, *edits)
    return [
        f"{d.path}:{d.line}:{d.column}: {d.severity}[{d.code}]: {d.message}"
        for d in caught.value.diagnostics
    ]


def only_entry(doc: ProxyDoc, name: str) -> CommentedMap:
    (entry,) = yamledit.model_entries(doc)[name]
    return entry


def set_haiku_prices(doc: ProxyDoc) -> None:
    for name in HAIKU_NAMES:
        entry = only_entry(doc, name)
        for section in yamledit.SECTIONS:
            for key, price in zip(yamledit.PRICE_KEYS, HAIKU_PRICES, strict=True):
                yamledit.set_scalar(entry[section], key, price)


def entry_lines(text: str, name: str) -> list[str]:
    """The lines of model_list entry ``name``, up to the blank line that ends it."""
    lines = text.splitlines()
    start = lines.index(f"  - model_name: {name}")
    end = lines.index("", start)
    return lines[start:end]


# ── the upstream files ──────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("relative", PROXY_FILES)
def test_upstream_file_round_trips_byte_for_byte(upstream: Path, relative: str) -> None:
    text = read(upstream, relative)
    doc = yamledit.load(text, relative)
    assert yamledit.dump(doc) == text
    assert yamledit.dump(doc) == text  # dumping does not use anything up


def test_haiku_prices_give_heads_lines(upstream: Path) -> None:
    head = read(upstream, f"head/{DOCKER}")
    result = edited(read(upstream, f"post-seed/{DOCKER}"), set_haiku_prices)
    for name in HAIKU_NAMES:
        # head's author also appended a note no price edit can produce; everything else matches.
        expected = [line.replace(" (Bedrock cross-region)", "") for line in entry_lines(head, name)]
        assert entry_lines(result, name) == expected
    assert (
        entry_lines(result, "cheap")
        == dedent(
            """
          - model_name: cheap
            litellm_params:
              model: bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0
              aws_region_name: us-west-2
              input_cost_per_token: 0.0000011                # $1.10/MTok
              output_cost_per_token: 0.0000055               # $5.50/MTok
              cache_read_input_token_cost: 0.00000011        # $0.11/MTok
              cache_creation_input_token_cost: 0.000001375   # $1.375/MTok
            model_info:
              input_cost_per_token: 0.0000011
              output_cost_per_token: 0.0000055
              cache_read_input_token_cost: 0.00000011
              cache_creation_input_token_cost: 0.000001375
        """,
            indent="  ",
        ).splitlines()
    )


def test_haiku_prices_touch_only_the_price_lines(upstream: Path) -> None:
    original = read(upstream, f"post-seed/{DOCKER}")
    positions = yamledit.model_positions(yamledit.load(original, DOCKER))
    price_lines = {
        positions[(name, section, key)].line
        for name in HAIKU_NAMES
        for section in yamledit.SECTIONS
        for key in yamledit.PRICE_KEYS
    }
    old_lines = original.splitlines()
    new_lines = edited(original, set_haiku_prices).splitlines()
    changed = {
        number
        for number, (old, new) in enumerate(zip(old_lines, new_lines, strict=True), start=1)
        if old != new
    }
    assert len(price_lines) == 24
    assert changed == price_lines
    assert "e-0" not in "\n".join(new_lines)


def test_setting_the_same_prices_again_changes_nothing(upstream: Path) -> None:
    once = edited(read(upstream, f"post-seed/{DOCKER}"), set_haiku_prices)
    doc = yamledit.load(once, DOCKER)
    changes = [
        yamledit.set_scalar(only_entry(doc, name)[section], key, price)
        for name in HAIKU_NAMES
        for section in yamledit.SECTIONS
        for key, price in zip(yamledit.PRICE_KEYS, HAIKU_PRICES, strict=True)
    ]
    assert not any(changes)
    assert yamledit.dump(doc) == once


def test_model_positions(upstream: Path) -> None:
    doc = yamledit.load(read(upstream, f"post-seed/{DOCKER}"), DOCKER)
    positions = yamledit.model_positions(doc)
    assert positions[("cheap",)] == Position(37, 5)
    assert positions[("cheap", "litellm_params", "model")] == Position(39, 7)
    assert positions[("cheap", "litellm_params", "input_cost_per_token")] == Position(41, 7)
    assert positions[("cheap", "model_info", "cache_creation_input_token_cost")] == Position(49, 7)
    assert positions[("claude-haiku-4-5-20251001",)] == Position(127, 5)
    assert ("free", "litellm_params", "cache_read_input_token_cost") not in positions


def test_model_entries_by_name(upstream: Path) -> None:
    doc = yamledit.load(read(upstream, f"head/{DOCKER}"), DOCKER)
    entries = yamledit.model_entries(doc)
    assert list(entries)[:4] == ["free", "cheap", "balanced", "frontier"]
    assert len(entries) == 11
    assert entries["cheap"][0]["litellm_params"]["aws_region_name"] == "us-west-2"


def test_upstream_chain_edits_keep_every_comment(upstream: Path) -> None:
    original = read(upstream, f"post-seed/{DOCKER}")
    result = edited(
        original,
        lambda doc: yamledit.set_chain(doc, "fallbacks", "free", ["cheap"]),
        lambda doc: yamledit.set_chain(doc, "fallbacks", "gpt-x", ["balanced", "frontier"]),
        lambda doc: yamledit.remove_chain(doc, "content_policy_fallbacks", "cheap"),
    )
    assert result == original.replace(
        "  fallbacks:\n    - free: [cheap, balanced]\n", "  fallbacks:\n    - free: [cheap]\n"
    ).replace(
        "    - claude-sonnet-4-6: [claude-opus-4-6]\n  # Context window",
        "    - claude-sonnet-4-6: [claude-opus-4-6]\n    - gpt-x: [balanced, frontier]\n"
        "  # Context window",
    ).replace(
        "  content_policy_fallbacks:\n    - cheap: [balanced]\n", "  content_policy_fallbacks:\n"
    )


def test_upstream_chains(upstream: Path) -> None:
    doc = yamledit.load(read(upstream, f"post-seed/{DOCKER}"), DOCKER)
    assert yamledit.chains(doc, "content_policy_fallbacks") == {
        "cheap": ["balanced"],
        "claude-haiku-4-5": ["claude-sonnet-4-6"],
        "claude-haiku-4-5-20251001": ["claude-sonnet-4-6"],
    }
    assert yamledit.chains(doc, "fallbacks")["free"] == ["cheap", "balanced"]


def test_append_model_entry_to_upstream(upstream: Path) -> None:
    original = read(upstream, f"post-seed/{DOCKER}")
    entry = {
        "model_name": "claude-sonnet-4-6-fast",
        "litellm_params": {
            "model": "bedrock/us.anthropic.claude-sonnet-4-6",
            "input_cost_per_token": Decimal("0.000003"),
        },
        "model_info": {"input_cost_per_token": Decimal("3E-6")},
    }
    result = edited(original, lambda doc: yamledit.append_model_entry(doc, entry))
    new_entry = dedent(
        """
          - model_name: claude-sonnet-4-6-fast
            litellm_params:
              model: bedrock/us.anthropic.claude-sonnet-4-6
              input_cost_per_token: 0.000003
            model_info:
              input_cost_per_token: 0.000003

        """,
        indent="  ",
    )
    anchor = "# ─── Alternative: Direct Anthropic API"
    assert result == original.replace(anchor, new_entry + anchor, 1)


# ── prices and their comments ───────────────────────────────────────────────────────────────

PRICED = dedent(
    """
    model_list:
      - model_name: cheap
        litellm_params:
          input_cost_per_token: 0.000001                 # $1/MTok
          output_cost_per_token: 0                       # spend tracking
    """
)


def set_cheap(key: str, value: yamledit.Scalar) -> Edit:
    def edit(doc: ProxyDoc) -> bool:
        return yamledit.set_scalar(only_entry(doc, "cheap")["litellm_params"], key, value)

    return edit


def price_line(result: str) -> str:
    return result.splitlines()[3]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.0000011", "input_cost_per_token: 0.0000011                # $1.10/MTok"),
        ("0.000015", "input_cost_per_token: 0.000015                 # $15/MTok"),
        ("0.00000011", "input_cost_per_token: 0.00000011               # $0.11/MTok"),
        ("0.000001375", "input_cost_per_token: 0.000001375              # $1.375/MTok"),
        ("1.1E-6", "input_cost_per_token: 0.0000011                # $1.10/MTok"),
        ("0.00000000001", "input_cost_per_token: 0.00000000001            # $0.00001/MTok"),
        ("0", "input_cost_per_token: 0                        # $0/MTok"),
        (  # no room left before the comment's column: one space
            "0.0000000000000000000012345",
            "input_cost_per_token: 0.0000000000000000000012345 # $0.0000000000000012345/MTok",
        ),
    ],
)
def test_price_is_plain_and_its_comment_follows(value: str, expected: str) -> None:
    result = edited(PRICED, set_cheap("input_cost_per_token", Decimal(value)))
    assert price_line(result) == "      " + expected
    assert result.replace(price_line(result), price_line(PRICED)) == PRICED


@pytest.mark.parametrize(
    ("comment", "value", "expected"),
    [
        ("# $1.25/MTok", "0.000002", "# $2.00/MTok"),
        ("# $0.10/MTok", "0.0000001", "# $0.10/MTok"),
        ("# $1/MTok (Bedrock cross-region)", "0.0000011", "# $1.10/MTok (Bedrock cross-region)"),
        ("#  $3/MTok, list price", "0.0000033", "#  $3.30/MTok, list price"),
        ("# $1/M tokens", "0.0000011", "# $1/M tokens"),
        ("# about $1/MTok", "0.0000011", "# about $1/MTok"),
    ],
)
def test_price_comment_forms(comment: str, value: str, expected: str) -> None:
    text = f"input_cost_per_token: 0.00000125  {comment}\n"
    result = edited(
        text, lambda doc: yamledit.set_scalar(doc.root, "input_cost_per_token", Decimal(value))
    )
    assert result.endswith(f"  {expected}\n")


@pytest.mark.parametrize("value", [Decimal("0.0000010"), Decimal("1E-6"), Decimal("0.000001")])
def test_an_equal_decimal_is_not_rewritten(value: Decimal) -> None:
    doc = yamledit.load(PRICED, "proxy.yaml")
    assert not set_cheap("input_cost_per_token", value)(doc)
    assert yamledit.dump(doc) == PRICED


def test_decimal_equality_is_exact_beyond_float_precision() -> None:
    text = "price: 0.10000000000000001\n"  # the same float as 0.1, but not the same price
    doc = yamledit.load(text, "proxy.yaml")
    assert not yamledit.set_scalar(doc.root, "price", Decimal("0.100000000000000010"))
    assert yamledit.set_scalar(doc.root, "price", Decimal("0.1"))
    assert yamledit.dump(doc) == "price: 0.1\n"


def test_zero_stays_an_integer_and_strings_keep_their_quotes() -> None:
    text = dedent(
        """
        a: 0
        b: "bedrock/x"
        c: 'old'
        """
    )
    result = edited(
        text,
        lambda doc: yamledit.set_scalar(doc.root, "a", Decimal("0.000")),
        lambda doc: yamledit.set_scalar(
            doc.root, "b", "bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0"
        ),
        lambda doc: yamledit.set_scalar(doc.root, "c", 7),
    )
    assert result == dedent(
        """
        a: 0
        b: "bedrock/us.anthropic.claude-haiku-4-5-20251001-v1:0"
        c: 7
        """
    )


def test_other_comments_are_left_alone() -> None:
    result = edited(PRICED, set_cheap("output_cost_per_token", Decimal("0.000005")))
    assert (
        result.splitlines()[4]
        == "      output_cost_per_token: 0.000005                # spend tracking"
    )


def test_a_missing_key_is_added_before_the_comments_that_follow() -> None:
    text = dedent(
        """
        model_list:
          - model_name: a
            model_info:
              input_cost_per_token: 0  # $0/MTok

          # the next entry
          - model_name: b
        """
    )
    result = edited(
        text,
        lambda doc: yamledit.set_scalar(
            only_entry(doc, "a")["model_info"], "output_cost_per_token", Decimal("0.000015")
        ),
    )
    assert result == dedent(
        """
        model_list:
          - model_name: a
            model_info:
              input_cost_per_token: 0  # $0/MTok
              output_cost_per_token: 0.000015

          # the next entry
          - model_name: b
        """
    )


def test_set_section_adds_a_missing_section() -> None:
    text = dedent(
        """
        model_list:
          - model_name: a
            litellm_params:
              model: x

          # the next entry
          - model_name: b
        """
    )

    def add_model_info(doc: ProxyDoc) -> None:
        prices: dict[str, yamledit.Scalar] = {
            "input_cost_per_token": Decimal("1E-6"),
            "output_cost_per_token": 0,
        }
        assert yamledit.set_section(doc, only_entry(doc, "a"), "model_info", prices)
        assert not yamledit.set_section(doc, only_entry(doc, "a"), "model_info", prices)

    assert edited(text, add_model_info) == dedent(
        """
        model_list:
          - model_name: a
            litellm_params:
              model: x
            model_info:
              input_cost_per_token: 0.000001
              output_cost_per_token: 0

          # the next entry
          - model_name: b
        """
    )


def test_set_scalar_refuses_what_is_not_a_value() -> None:
    doc = yamledit.load("a: {b: 1}\n", "proxy.yaml")
    with pytest.raises(TypeError):
        yamledit.set_scalar(doc.root, "a", 1)
    with pytest.raises(TypeError):
        yamledit.set_scalar(doc.root, "c", True)
    with pytest.raises(ValueError, match="not a finite price"):
        yamledit.set_scalar(doc.root, "c", Decimal("NaN"))


# ── fallback chains ─────────────────────────────────────────────────────────────────────────

CHAINS = dedent(
    """
    router_settings:
      routing_strategy: simple-shuffle
      # If cheap fails
      fallbacks:
        # before the first
        - free: [cheap, balanced]   # free's own
        # about cheap
        - cheap: [balanced]  # cheap's own

        - balanced: [frontier]  # balanced's own
      # after the fallbacks
      allowed_fails: 3
    """
)


def chain_edit(kind: yamledit.ChainKind, key: str, targets: list[str] | None = None) -> Edit:
    if targets is None:
        return lambda doc: yamledit.remove_chain(doc, kind, key)
    return lambda doc: yamledit.set_chain(doc, kind, key, targets)


def test_chains_read_in_order() -> None:
    doc = yamledit.load(CHAINS, "proxy.yaml")
    assert yamledit.chains(doc, "fallbacks") == {
        "free": ["cheap", "balanced"],
        "cheap": ["balanced"],
        "balanced": ["frontier"],
    }
    assert yamledit.chains(doc, "context_window_fallbacks") == {}


def test_a_chain_is_edited_in_place() -> None:
    result = edited(CHAINS, chain_edit("fallbacks", "free", ["cheap"]))
    comment_column = CHAINS.index("# free's own") - CHAINS.index("    - free")
    assert result == CHAINS.replace(
        "    - free: [cheap, balanced]   # free's own",
        "    - free: [cheap]".ljust(comment_column) + "# free's own",
    )


def test_a_chain_already_right_is_not_touched() -> None:
    doc = yamledit.load(CHAINS, "proxy.yaml")
    assert not yamledit.set_chain(doc, "fallbacks", "cheap", ["balanced"])
    assert not yamledit.remove_chain(doc, "fallbacks", "nobody")
    assert yamledit.dump(doc) == CHAINS


def test_a_longer_chain_keeps_the_comment_column_where_it_can() -> None:
    result = edited(CHAINS, chain_edit("fallbacks", "cheap", ["balanced", "frontier"]))
    assert "    - cheap: [balanced, frontier] # cheap's own\n" in result


def test_a_new_chain_follows_the_last_one_in_the_same_style() -> None:
    result = edited(CHAINS, chain_edit("fallbacks", "gpt-x", ["cheap", "on"]))
    assert result == CHAINS.replace(
        "  # balanced's own\n", "  # balanced's own\n\n    - gpt-x: [cheap, 'on']\n"
    )


def test_removing_the_first_chain_keeps_the_comments_around_it() -> None:
    assert edited(CHAINS, chain_edit("fallbacks", "free")) == dedent(
        """
        router_settings:
          routing_strategy: simple-shuffle
          # If cheap fails
          fallbacks:
            # before the first
            # about cheap
            - cheap: [balanced]  # cheap's own

            - balanced: [frontier]  # balanced's own
          # after the fallbacks
          allowed_fails: 3
        """
    )


def test_removing_a_middle_chain_keeps_the_comments_around_it() -> None:
    assert edited(CHAINS, chain_edit("fallbacks", "cheap")) == dedent(
        """
        router_settings:
          routing_strategy: simple-shuffle
          # If cheap fails
          fallbacks:
            # before the first
            - free: [cheap, balanced]   # free's own
            # about cheap

            - balanced: [frontier]  # balanced's own
          # after the fallbacks
          allowed_fails: 3
        """
    )


def test_removing_the_last_chain_keeps_the_comments_after_it() -> None:
    assert edited(CHAINS, chain_edit("fallbacks", "balanced")) == dedent(
        """
        router_settings:
          routing_strategy: simple-shuffle
          # If cheap fails
          fallbacks:
            # before the first
            - free: [cheap, balanced]   # free's own
            # about cheap
            - cheap: [balanced]  # cheap's own

          # after the fallbacks
          allowed_fails: 3
        """
    )


def test_removing_every_chain_leaves_an_empty_list_and_the_comments() -> None:
    remove_all = [chain_edit("fallbacks", key) for key in ("free", "cheap", "balanced")]
    emptied = edited(CHAINS, *remove_all)
    assert emptied == dedent(
        """
        router_settings:
          routing_strategy: simple-shuffle
          # If cheap fails
          fallbacks: []
            # before the first
            # about cheap

          # after the fallbacks
          allowed_fails: 3
        """
    )
    assert edited(emptied, chain_edit("fallbacks", "free", ["cheap"])) == dedent(
        """
        router_settings:
          routing_strategy: simple-shuffle
          # If cheap fails
          fallbacks:
            - free: [cheap]
            # before the first
            # about cheap

          # after the fallbacks
          allowed_fails: 3
        """
    )


def test_a_missing_kind_goes_after_the_other_chains() -> None:
    result = edited(CHAINS, chain_edit("content_policy_fallbacks", "cheap", ["balanced"]))
    assert result == CHAINS.replace(
        "  # after the fallbacks\n",
        "  content_policy_fallbacks:\n    - cheap: [balanced]\n  # after the fallbacks\n",
    )


def test_a_kind_is_added_to_router_settings_without_chains() -> None:
    text = "router_settings:\n  routing_strategy: simple-shuffle\n\n# budgets\nmax_budget: 1\n"
    assert edited(text, chain_edit("fallbacks", "free", ["cheap"])) == dedent(
        """
        router_settings:
          routing_strategy: simple-shuffle
          fallbacks:
            - free: [cheap]

        # budgets
        max_budget: 1
        """
    )


def test_router_settings_is_created_at_the_end() -> None:
    text = "model_list:\n  - model_name: a\n\n# trailer\n"
    assert edited(text, chain_edit("fallbacks", "a", ["b"])) == dedent(
        """
        model_list:
          - model_name: a

        router_settings:
          fallbacks:
            - a: [b]

        # trailer
        """
    )


def test_an_empty_or_null_kind_becomes_a_block_list() -> None:
    text = "router_settings:\n  fallbacks: []  # none yet\n  # next\n  other: 1\n"
    assert edited(text, chain_edit("fallbacks", "a", ["b"])) == dedent(
        """
        router_settings:
          fallbacks:     # none yet
            - a: [b]
          # next
          other: 1
        """
    )
    text = "router_settings:\n  fallbacks:\n# next\nother: 1\n"
    assert edited(text, chain_edit("fallbacks", "a", ["b"])) == dedent(
        """
        router_settings:
          fallbacks:
            - a: [b]
        # next
        other: 1
        """
    )


def test_one_key_of_a_multi_key_chain_entry() -> None:
    text = "router_settings:\n  fallbacks:\n    - a: [b]\n      c: [d]\n    - {e: [f], g: [h]}\n"
    result = edited(
        text,
        chain_edit("fallbacks", "a"),
        chain_edit("fallbacks", "g"),
        chain_edit("fallbacks", "e", ["x"]),
    )
    assert result == "router_settings:\n  fallbacks:\n    - c: [d]\n    - {e: [x]}\n"


# ── model_list entries ──────────────────────────────────────────────────────────────────────

NEW_ENTRY: dict[str, object] = {
    "model_name": "n",
    "litellm_params": {"model": "m", "tags": ["local"]},
}


def append_new(doc: ProxyDoc) -> None:
    node = yamledit.append_model_entry(doc, NEW_ENTRY)
    assert node["model_name"] == "n"


def test_append_keeps_the_layout_of_the_file() -> None:
    text = dedent(
        """
        model_list:
            -   model_name: a
                litellm_params:
                    model: q
        """
    )
    assert edited(text, append_new) == dedent(
        """
        model_list:
            -   model_name: a
                litellm_params:
                    model: q

            -   model_name: n
                litellm_params:
                    model: m
                    tags: [local]
        """
    )


def test_append_without_blank_lines_between_entries() -> None:
    text = "model_list:\n  - model_name: a\n  - model_name: b  # b's own\n  # after b\nx: 1\n"
    assert edited(text, append_new) == dedent(
        """
        model_list:
          - model_name: a
          - model_name: b  # b's own
          - model_name: n
            litellm_params:
              model: m
              tags: [local]
          # after b
        x: 1
        """
    )


def test_append_creates_model_list() -> None:
    assert edited("# head\nx: 1  # x's own\n", append_new) == dedent(
        """
        # head
        x: 1  # x's own

        model_list:
          - model_name: n
            litellm_params:
              model: m
              tags: [local]
        """
    )


def test_append_needs_a_model_name() -> None:
    doc = yamledit.load("model_list: []\n", "proxy.yaml")
    with pytest.raises(ValueError, match="model_name"):
        yamledit.append_model_entry(doc, {"litellm_params": {}})


def test_entries_sharing_a_model_name_are_all_returned() -> None:
    text = "model_list:\n  - model_name: a\n    x: 1\n  - model_name: a\n    x: 2\n"
    entries = yamledit.model_entries(yamledit.load(text, "proxy.yaml"))
    assert [entry["x"] for entry in entries["a"]] == [1, 2]


# ── line endings and the byte-order mark ────────────────────────────────────────────────────


def test_crlf_stays_crlf() -> None:
    text = PRICED.replace("\n", "\r\n")
    result = edited(text, set_cheap("input_cost_per_token", Decimal("0.0000011")), append_new)
    assert result == (
        "model_list:\r\n"
        "  - model_name: cheap\r\n"
        "    litellm_params:\r\n"
        "      input_cost_per_token: 0.0000011                # $1.10/MTok\r\n"
        "      output_cost_per_token: 0                       # spend tracking\r\n"
        "\r\n"
        "  - model_name: n\r\n"
        "    litellm_params:\r\n"
        "      model: m\r\n"
        "      tags: [local]\r\n"
    )


def test_bom_and_missing_final_newline_are_kept() -> None:
    result = edited("\ufeffa: 1\r\nb: 2", lambda doc: yamledit.set_scalar(doc.root, "b", 3))
    assert result == "\ufeffa: 1\r\nb: 3"


# ── what cannot be edited ───────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: 1\nb: [1, 2\nc: 3\n",
            "proxy.yaml:3:2: error[RC311]: YAML syntax error: expected ',' or ']', but got ':'"
            " (while parsing a flow sequence at line 2, column 4)",
        ),
        (
            "a:\n\tb: 1\n",
            "proxy.yaml:2:1: error[RC311]: YAML syntax error:"
            " found character '\\t' that cannot start any token",
        ),
        (
            "a: \x07\n",
            "proxy.yaml:1:4: error[RC311]: cannot read the file:"
            " special characters are not allowed (U+0007)",
        ),
        (
            "model_list:\n  - model_name: a\n    model_name: b\n",
            "proxy.yaml:3:5: error[RC312]: duplicate 'model_name' in the mapping"
            " at line 2, column 5",
        ),
        (
            "a: 1\r\nb: 2\n",
            "proxy.yaml:2:5: error[RC313]: cannot edit this file without reformatting it",
        ),
        (
            "a: 1\nb:   [1,   2]\n",
            "proxy.yaml:2:4: error[RC313]: cannot edit this file without reformatting it",
        ),
        (
            "- model_name: a\n",
            "proxy.yaml:1:1: error[RC314]: the top level of a LiteLLM proxy config must be a mapping",
        ),
    ],
)
def test_load_refuses(text: str, expected: str) -> None:
    assert errors(text) == [expected]


def test_mixed_line_endings_get_their_own_hint() -> None:
    with pytest.raises(RoutecfgError) as caught:
        yamledit.load("a: 1\r\nb: 2\n", "proxy.yaml")
    assert caught.value.diagnostics[0].hint == (
        "the file mixes CRLF and LF line endings; use one of them throughout"
    )


def list_entries(doc: ProxyDoc) -> None:
    yamledit.model_entries(doc)


def test_model_list_that_cannot_be_placed() -> None:
    text = dedent(
        """
        model_list:
          - 3
          - litellm_params: {}
          - model_name: x
            litellm_params: 4
            model_info:
              input_cost_per_token: [1]
        """
    )
    assert errors(text, list_entries) == [
        "proxy.yaml:2:5: error[RC314]: model_list entry 1 is the scalar 3; expected a mapping",
        "proxy.yaml:3:5: error[RC314]: model_list entry 2 has no model_name",
        "proxy.yaml:5:21: error[RC314]: x: litellm_params is the scalar 4; expected a mapping",
        "proxy.yaml:7:29: error[RC314]: x: model_info.input_cost_per_token is a list;"
        " expected a single value",
    ]
    assert errors("model_list: {a: 1}\n", list_entries) == [
        "proxy.yaml:1:13: error[RC314]: model_list is a mapping; expected a list of model entries"
    ]


def test_chains_that_cannot_be_placed() -> None:
    assert errors("router_settings: 3\n", chain_edit("fallbacks", "a", ["b"])) == [
        "proxy.yaml:1:18: error[RC314]: router_settings is the scalar 3; expected a mapping"
    ]
    assert errors("router_settings:\n  fallbacks: {a: [b]}\n", chain_edit("fallbacks", "a")) == [
        "proxy.yaml:2:14: error[RC314]: router_settings.fallbacks is a mapping; expected a list"
    ]
    text = "router_settings:\n  fallbacks:\n    - a: b\n    - c: [d]\n    - c: [e]\n    - x\n"
    assert errors(text, lambda doc: yamledit.chains(doc, "fallbacks")) == [
        "proxy.yaml:3:7: error[RC314]: fallbacks: the chain for 'a' is not a list of model names",
        "proxy.yaml:5:7: error[RC314]: fallbacks: the chain for 'c' is given twice",
        "proxy.yaml:6:7: error[RC314]: fallbacks entry is the scalar 'x';"
        " expected `- alias: [fallback, ...]`",
    ]


# ── edges ───────────────────────────────────────────────────────────────────────────────────


def test_a_document_without_model_list_or_router_settings() -> None:
    doc = yamledit.load("general_settings: {}\n", "proxy.yaml")
    assert yamledit.model_entries(doc) == {}
    assert yamledit.model_positions(doc) == {}
    assert yamledit.chains(doc, "fallbacks") == {}


def test_null_model_list_and_router_settings_become_blocks() -> None:
    text = "model_list:\n# models go here\nrouter_settings:\n"
    assert edited(text, append_new, chain_edit("fallbacks", "n", ["m"])) == dedent(
        """
        model_list:
          - model_name: n
            litellm_params:
              model: m
              tags: [local]
        # models go here
        router_settings:
          fallbacks:
            - n: [m]
        """
    )


def test_values_that_are_not_numbers_are_replaced() -> None:
    text = "a: true\nb: .inf\nc: {}\n"
    result = edited(
        text,
        lambda doc: yamledit.set_scalar(doc.root, "a", Decimal("0.5")),
        lambda doc: yamledit.set_scalar(doc.root, "b", Decimal("1")),
        lambda doc: yamledit.set_scalar(doc.root["c"], "d", "x"),
    )
    assert result == "a: 0.5\nb: 1\nc:\n  d: x\n"


def test_set_section_over_a_null_and_refusing_a_scalar() -> None:
    text = "entry:\n  model_info:\n  other: 1\n"
    prices: dict[str, yamledit.Scalar] = {"input_cost_per_token": 0}
    result = edited(
        text, lambda doc: yamledit.set_section(doc, doc.root["entry"], "model_info", prices)
    )
    assert result == "entry:\n  model_info:\n    input_cost_per_token: 0\n  other: 1\n"
    assert errors(
        "entry:\n  model_info: free\n",
        lambda doc: yamledit.set_section(doc, doc.root["entry"], "model_info", prices),
    ) == ["proxy.yaml:2:15: error[RC314]: model_info is the scalar 'free'; expected a mapping"]


def test_model_positions_skip_entries_that_cannot_be_read() -> None:
    doc = yamledit.load("model_list:\n  - 3\n  - model_name: a\n", "proxy.yaml")
    assert yamledit.model_positions(doc) == {("a",): Position(3, 5)}


def test_positions_of_added_nodes_are_unknown() -> None:
    doc = yamledit.load("model_list: []\n", "proxy.yaml")
    yamledit.append_model_entry(doc, {"model_name": "a", "litellm_params": {"model": "m"}})
    assert yamledit.model_positions(doc) == {
        ("a",): Position(0, 0),
        ("a", "litellm_params", "model"): Position(0, 0),
    }


def test_what_cannot_be_written_is_refused() -> None:
    doc = yamledit.load("model_list: []\n", "proxy.yaml")
    with pytest.raises(TypeError, match="float"):
        yamledit.append_model_entry(doc, {"model_name": "a", "rpm": 1.5})
    with pytest.raises(ValueError, match="not a fallback kind"):
        yamledit.chains(doc, "retries")  # type: ignore[arg-type]


def test_a_chain_key_must_be_a_name() -> None:
    text = "router_settings:\n  fallbacks:\n    - 1: [a]\n"
    assert errors(text, lambda doc: yamledit.chains(doc, "fallbacks")) == [
        "proxy.yaml:3:7: error[RC314]: fallbacks: 1 is not a model name"
    ]


def test_a_document_nested_too_deeply_is_refused() -> None:
    assert errors("a: " + "[" * 600 + "]" * 600 + "\n") == [
        "proxy.yaml:0:0: error[RC311]: the YAML is nested too deeply to read"
    ]
