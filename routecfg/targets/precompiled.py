"""The bundled block templates, compiled by Jinja ahead of time and shipped in the package.

Compiling a template (lexing, parsing, generating Python, compiling that) is most of the time a
cold render takes. Jinja's Python for each bundled template lives in ``routecfg/_templates/``
(one module per template, compiled to bytecode when the package is installed), with the digest
of the template text it was made from and the names the template reads. The loader here is
Jinja's FileSystemLoader, which serves those modules' code for a bundled template whose text
still has that digest (under the Jinja version that generated it), and compiles anything else as
always: the spec's own templates, an edited bundled one. The code runs in the same sandboxed
environment a compiled template would: Jinja generates the sandbox's checks into it.

``tests/test_precompiled.py`` regenerates the modules from templates/ and compares them, so the
shipped code never drifts from the templates (`python -m tests.test_precompiled` rewrites them).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import weakref
from collections.abc import Iterable, MutableMapping
from types import CodeType
from typing import TYPE_CHECKING, Any

from routecfg import resources

if TYPE_CHECKING:
    import jinja2

PACKAGE = "routecfg._templates"

# What each template loaded from shipped code reads: Jinja would parse its source to find out.
_READS: weakref.WeakKeyDictionary[Any, frozenset[str]] = weakref.WeakKeyDictionary()


def digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def module_name(template: str) -> str:
    """``gate-model.md.j2`` → ``gate_model_md_j2``."""
    return "".join(c if c.isalnum() else "_" for c in template).lstrip("_") or "template"


def loader(base: type[jinja2.BaseLoader], *args: Any) -> jinja2.BaseLoader:
    """A ``base(*args)`` loader (one with ``get_source``) that serves bundled templates
    precompiled."""
    return _loader_class(base)(*args)  # type: ignore[arg-type]


def names_read(template: jinja2.Template) -> frozenset[str] | None:
    """The names a template loaded from shipped code reads (Jinja's globals included); None
    for a template Jinja compiled, whose source must be parsed to know."""
    return _READS.get(template)


@functools.cache
def _loader_class(base: type[jinja2.BaseLoader]) -> type[jinja2.BaseLoader]:
    import jinja2

    class PrecompiledLoader(base):  # type: ignore[valid-type,misc]
        def load(
            self,
            environment: jinja2.Environment,
            name: str,
            globals: MutableMapping[str, Any] | None = None,
        ) -> jinja2.Template:
            source, filename, uptodate = self.get_source(environment, name)
            shipped = _shipped(name, filename, source, jinja2.__version__)
            if shipped is None:
                loaded: jinja2.Template = super().load(environment, name, globals)
                return loaded
            code, reads = shipped
            # What Template.from_code does, with the template's file as its file name (as a
            # compiled one has), not the module's: errors name the template.
            namespace: dict[str, Any] = {"environment": environment, "__file__": filename}
            exec(code, namespace)
            template = environment.template_class.from_module_dict(
                environment, namespace, {} if globals is None else globals
            )
            template._uptodate = uptodate
            _READS[template] = reads
            return template

    return PrecompiledLoader


def _shipped(
    name: str, filename: str, source: str, jinja_version: str
) -> tuple[CodeType, frozenset[str]] | None:
    registry = _registry()
    entry = registry.templates.get(name)
    if entry is None or jinja_version != registry.jinja2:
        return None
    bundled = os.path.normpath(str(resources.templates_dir()))
    if os.path.dirname(filename) != bundled:  # noqa: PTH120 - Jinja's file names are strings
        return None
    module, expected_digest, reads = entry
    if digest(source) != expected_digest:  # edited since it was compiled
        return None
    code = _code(module)
    return None if code is None else (code, frozenset(reads))


class _Registry:
    def __init__(self, jinja2: str, templates: dict[str, tuple[str, str, Iterable[str]]]) -> None:
        self.jinja2 = jinja2
        self.templates = templates


@functools.cache
def _registry() -> _Registry:
    try:
        from routecfg import _templates
    except ImportError:  # pragma: no cover - a package built without them
        return _Registry("", {})
    return _Registry(_templates.JINJA2, dict(_templates.TEMPLATES))


@functools.cache
def _code(module: str) -> CodeType | None:
    """The module's code object, from its bytecode when installed: never imported as a module,
    so each environment runs it in a namespace of its own."""
    found = importlib.util.find_spec(f"{PACKAGE}.{module}")
    if found is None or found.loader is None:  # pragma: no cover - a partial install
        return None
    get_code = getattr(found.loader, "get_code", None)
    return get_code(found.name) if get_code is not None else None


# -- generating the modules (tests/test_precompiled.py) ---------------------------------------


def generate(environment: jinja2.Environment, names: Iterable[str]) -> dict[str, str]:
    """The files of ``routecfg/_templates/`` for the bundled templates ``names``: file name →
    text. Jinja's Python for each template unchanged (its line numbers map errors to template
    lines), then the registry."""
    import jinja2
    from jinja2 import meta

    assert environment.loader is not None
    files: dict[str, str] = {}
    entries: list[str] = []
    for name in sorted(names):
        source, _, _ = environment.loader.get_source(environment, name)
        code = environment.compile(source, name, name, raw=True)
        reads = sorted(meta.find_undeclared_variables(environment.parse(source)))
        module = module_name(name)
        files[f"{module}.py"] = f"{code}\n# Generated from templates/{name}; do not edit.\n"
        entries.append(f"    {name!r}: ({module!r}, {digest(source)!r}, {tuple(reads)!r}),\n")
    files["__init__.py"] = (
        '"""Jinja\'s Python for the bundled templates (templates/*.j2); generated by\n'
        "`python -m tests.test_precompiled`, do not edit. Read by routecfg.targets.precompiled."
        '\n"""\n\n'
        f"JINJA2 = {jinja2.__version__!r}\n\n"
        "TEMPLATES: dict[str, tuple[str, str, tuple[str, ...]]] = {\n"
        f"{''.join(entries)}"
        "}\n"
    )
    return files
