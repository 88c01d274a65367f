"""The shipped compiled templates are Jinja's code for templates/*.j2 as they are now, and a
render from them is the render from the templates.

When a template (or the environment in routecfg.targets.markdown) changes, regenerate them:
``python -m tests.test_precompiled``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import pytest

from routecfg import resources
from routecfg.targets import markdown, precompiled
from tests.conftest import REPO

COMPILED = REPO / "routecfg" / "_templates"


def _bundled() -> list[str]:
    return sorted(p.name for p in resources.templates_dir().glob("*.j2"))


def _expected() -> dict[str, str]:
    return precompiled.generate(markdown._environment(None), _bundled())


def test_the_shipped_code_is_generated_from_the_templates_as_they_are() -> None:
    shipped = {p.name: p.read_text(encoding="utf-8") for p in COMPILED.glob("*.py")}
    if jinja2.__version__ == _registry_version():
        assert shipped == _expected(), "templates changed: run `python -m tests.test_precompiled`"
    else:  # another Jinja: the shipped code is not used, templates are compiled as always
        env = markdown._environment(None)
        assert precompiled.names_read(env.get_template("prices.md.j2")) is None


def _registry_version() -> str:
    from routecfg import _templates

    return _templates.JINJA2


def test_every_bundled_template_is_served_from_shipped_code() -> None:
    env = markdown._environment(None)
    for name in _bundled():
        template = env.get_template(name)
        assert precompiled.names_read(template) is not None, name
        assert template.filename == str(resources.templates_dir() / name)


def test_an_edited_or_shadowed_template_is_compiled_from_its_text(tmp_path: Path) -> None:
    (tmp_path / "prices.md.j2").write_text("{{ tiers | length }} tiers\n", encoding="utf-8")
    env = markdown._environment(tmp_path)
    own = env.get_template("prices.md.j2")
    assert precompiled.names_read(own) is None
    assert own.render(tiers={"a": 1}) == "1 tiers\n"
    assert precompiled.names_read(env.get_template("escalation.md.j2")) is not None


def test_shipped_code_renders_what_compiling_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    from routecfg.validate import validate

    validated = validate(REPO / "examples" / "backlog-toolkit" / "routecfg.yaml")
    skill = REPO / "examples" / "backlog-toolkit" / "skills" / "backlog-implementer" / "SKILL.md"
    text = skill.read_text(encoding="utf-8")
    markdown._templates_for.cache_clear()
    markdown._LAST_RENDERER.clear()
    shipped = markdown.render(validated.spec, text, "SKILL.md")
    markdown._templates_for.cache_clear()
    markdown._LAST_RENDERER.clear()
    monkeypatch.setattr(precompiled, "_shipped", lambda *args: None)
    compiled = markdown.render(validated.spec, text, "SKILL.md")
    markdown._templates_for.cache_clear()
    markdown._LAST_RENDERER.clear()
    assert shipped == compiled == text  # the example is in sync


def test_the_sandbox_holds_in_shipped_code() -> None:
    env = markdown._environment(None)
    template = env.get_template("prices.md.j2")
    assert precompiled.names_read(template) is not None
    # The generated code calls the environment's sandboxed getattr and call.
    code = (COMPILED / "gate_model_md_j2.py").read_text(encoding="utf-8")
    assert "environment.getattr(" in code
    assert "environment.call(context, " in code


def regenerate() -> None:
    for stale in COMPILED.glob("*.py"):
        stale.unlink()
    COMPILED.mkdir(exist_ok=True)
    for name, text in _expected().items():
        (COMPILED / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    regenerate()
    sys.exit(0)
