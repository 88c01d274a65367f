"""`proxy.ledger`: the callback's registration in the proxy config, added and taken out in place."""

from __future__ import annotations

import textwrap

import pytest

from routecfg.diagnostics import RoutecfgError
from routecfg.report import format_text
from routecfg.targets import proxyledger, yamledit

LEDGER = ".backlog-ops/litellm-ledger.jsonl"


def register(text: str, ledger: str | None) -> tuple[bool, str]:
    doc = yamledit.load(textwrap.dedent(text), "proxy.yaml")
    changed = proxyledger.register(doc, ledger)
    return changed, yamledit.dump(doc)


def test_a_block_list_of_callbacks_gets_one_more_item_and_keeps_its_comments() -> None:
    changed, text = register(
        """\
        litellm_settings:
          callbacks:
            - langfuse   # tracing
          # more later
        environment_variables:
          ROUTECFG_LEDGER: old.jsonl
        """,
        LEDGER,
    )
    assert changed
    assert text == textwrap.dedent(f"""\
        litellm_settings:
          callbacks:
            - langfuse   # tracing
            - routecfg.router.ledger_callback.ledger
          # more later
        environment_variables:
          ROUTECFG_LEDGER: {LEDGER}
        """)
    assert register(text, LEDGER) == (False, text)


def test_an_empty_file_part_is_created() -> None:
    changed, text = register("model_list: []\nlitellm_settings:\n", LEDGER)
    assert changed
    assert text == textwrap.dedent(f"""\
        model_list: []
        litellm_settings:
          callbacks: [routecfg.router.ledger_callback.ledger]

        environment_variables:
          ROUTECFG_LEDGER: {LEDGER}
        """)


def test_unregistering_takes_out_only_what_routecfg_put_in() -> None:
    changed, text = register(
        """\
        litellm_settings:
          callbacks: [routecfg.router.ledger_callback.ledger]
        environment_variables:
          ROUTECFG_LEDGER: x.jsonl
        """,
        None,
    )
    assert changed
    assert text == "environment_variables: {}\n"
    assert register("model_list: []\n", None) == (False, "model_list: []\n")


def test_callbacks_that_are_not_a_list_are_refused_with_their_place() -> None:
    with pytest.raises(RoutecfgError) as raised:
        register("litellm_settings:\n  callbacks: langfuse\n", LEDGER)
    assert format_text(raised.value.diagnostics) == textwrap.dedent("""\
        proxy.yaml:2:14: error[RC314]: litellm_settings.callbacks is the scalar 'langfuse'; expected a list
          hint: write it as a list, e.g. `callbacks: [langfuse]`
        """)
    with pytest.raises(RoutecfgError) as raised:
        register("environment_variables: [A]\n", LEDGER)
    assert format_text(raised.value.diagnostics).splitlines()[0] == (
        "proxy.yaml:1:24: error[RC314]: environment_variables is a list; expected a mapping"
    )
