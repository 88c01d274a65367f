"""`proxy.ledger`: the callback's registration in the proxy config, added and taken out in place."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from routecfg.diagnostics import RoutecfgError
from routecfg.report import format_text
from routecfg.targets import proxyledger, yamledit
from tests.conftest import REPO, run

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


def test_adopting_a_proxy_with_the_callback_registered_keeps_it(tmp_path: Path) -> None:
    shutil.copytree(REPO / "examples" / "backlog-toolkit", tmp_path, dirs_exist_ok=True)
    proxy = tmp_path / "config" / "litellm" / "proxy-config.yaml"
    text = proxy.read_text()
    proxy.write_text(
        text.replace(
            "  num_retries: 2\n",
            "  num_retries: 2\n  callbacks: [routecfg.router.ledger_callback.ledger]\n",
        )
        + "\nenvironment_variables:\n  ROUTECFG_LEDGER: .backlog-ops/litellm.jsonl\n"
    )
    adopted = run(["init", "--from-repo", "--force", "-q"], cwd=tmp_path)
    assert adopted.exit_code == 0, adopted.stderr
    spec = (tmp_path / "routecfg.yaml").read_text()
    assert '  ledger: ".backlog-ops/litellm.jsonl"  # routecfg\'s ledger callback writes\n' in spec
    states = run(["check"], cwd=tmp_path).stderr.splitlines()
    assert "config/litellm/proxy-config.yaml: in sync" in states
