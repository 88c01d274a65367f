"""Write routecfg/router/litellm_keys.json: the config keys the installed LiteLLM reads.

Run it after changing the pinned litellm (``python scripts/litellm_keys.py``); commit the JSON
with it. routecfg never imports litellm at run time: `lint-proxy` reads this file as data.

Where each list comes from, in the installed package:

- ``top_level``: every ``config.get("…")`` / ``config["…"]`` in the methods of
  ``proxy_server.ProxyConfig`` (how the proxy reads its config file), with ``ConfigYAML``'s fields;
- ``router_settings``: ``router_api.router_init_args()`` minus
  ``constants.ROUTER_SETTINGS_MANAGED_OUTSIDE_CONFIG`` (exactly the keys ``load_config`` passes to
  the Router; it ignores every other one with a log line);
- ``litellm_settings``: ``load_config`` sets any key as an attribute of the litellm module, so the
  attributes litellm defines or reads (``__init__``'s names, ``getattr(litellm, "…")`` and
  ``litellm.…`` reads anywhere in the package), and every ``litellm_settings.get("…")``;
- ``general_settings``: ``ConfigGeneralSettings``' fields and every ``general_settings.get("…")``,
  ``general_settings["…"]`` and ``"…" in general_settings`` in the package;
- ``model_entry``: ``DeploymentTypedDict``'s keys and ``Deployment``'s fields;
- ``litellm_params``: the fields of ``LiteLLM_Params`` and ``LiteLLMParamsTypedDict``,
  ``all_litellm_params``, the parameters of ``get_litellm_params``, ``litellm.completion`` and
  ``embedding``, and the ``kwargs`` main.py reads (LiteLLM passes unknown ones on to the provider,
  so the lint reports only near misses there);
- ``model_info``: router ``ModelInfo``'s fields, the mirrored pricing fields and the keys of the
  model map's ``ModelInfoBase`` (free-form too: near misses only);
- ``routing_strategies``: ``routing_groups.VALID_ROUTING_STRATEGIES`` (the Router refuses others);
- ``defaults``: the router defaults the lint's cooldown and fallback rules rely on.
"""

from __future__ import annotations

import ast
import inspect
import json
import sys
import typing
from collections.abc import Iterable
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "routecfg" / "router" / "litellm_keys.json"


def _package_files(root: Path) -> Iterable[Path]:
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" not in path.parts and "tests" not in path.parts:
            yield path


def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError):
        return None


def _string(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _reads_of(tree: ast.AST, receiver: str) -> set[str]:
    """Keys read from a name: ``receiver.get("k")``, ``receiver["k"]``, ``"k" in receiver``."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"get", "pop", "setdefault"}
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == receiver
                and node.args
                and (key := _string(node.args[0]))
            )
            or (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Name)
                and node.value.id == receiver
                and (key := _string(node.slice))
            )
            or (
                isinstance(node, ast.Compare)
                and len(node.ops) == 1
                and isinstance(node.ops[0], ast.In | ast.NotIn)
                and isinstance(node.comparators[0], ast.Name)
                and node.comparators[0].id == receiver
                and (key := _string(node.left))
            )
        ):
            found.add(key)
    return found


def _top_level(litellm_root: Path) -> set[str]:
    from litellm.proxy._types import ConfigYAML

    tree = _parse(litellm_root / "proxy" / "proxy_server.py")
    assert tree is not None
    keys: set[str] = set(ConfigYAML.model_fields)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "ProxyConfig":
            for method in node.body:
                if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                    params = {a.arg for a in method.args.args}
                    # `config` as the parsed file: a parameter, or read by self.get_config().
                    if "config" in params or _assigns_config_file(method):
                        keys |= _reads_of(method, "config")
    return keys


def _assigns_config_file(method: ast.AST) -> bool:
    for node in ast.walk(method):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "config" for t in targets) and any(
                isinstance(n, ast.Attribute) and n.attr == "get_config"
                for n in ast.walk(node.value)
            ):
                return True
    return False


def _litellm_settings(litellm_root: Path) -> set[str]:
    keys: set[str] = set()
    init = _parse(litellm_root / "__init__.py")
    assert init is not None
    for node in init.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                keys.add(target.id)
    for path in _package_files(litellm_root):
        tree = _parse(path)
        if tree is None:
            continue
        keys |= _reads_of(tree, "litellm_settings")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "litellm"
            ):
                keys.add(node.attr)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"getattr", "hasattr"}
                and len(node.args) >= 2
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id == "litellm"
                and (key := _string(node.args[1]))
            ):
                keys.add(key)
    # Names of callables and modules are not settings; the proxy's own branches are.
    import litellm

    settings = set()
    for key in keys:
        value = getattr(litellm, key, None)
        if key.startswith("__") or inspect.ismodule(value) or inspect.isclass(value):
            continue
        if callable(value) and not isinstance(value, list | dict):
            continue
        settings.add(key)
    return settings


def _general_settings(litellm_root: Path) -> set[str]:
    from litellm.proxy._types import ConfigGeneralSettings

    keys = set(ConfigGeneralSettings.model_fields)
    for path in _package_files(litellm_root):
        tree = _parse(path)
        if tree is not None:
            for receiver in ("general_settings", "typed_general_settings", "_general_settings"):
                keys |= _reads_of(tree, receiver)
    return keys


def _typed_dict_keys(cls: type) -> set[str]:
    return set(typing.get_type_hints(cls, include_extras=False).keys())


def _litellm_params(litellm_root: Path) -> set[str]:
    import litellm
    from litellm.litellm_core_utils.get_litellm_params import get_litellm_params
    from litellm.types.router import LiteLLM_Params, LiteLLMParamsTypedDict
    from litellm.types.utils import all_litellm_params

    keys = set(LiteLLM_Params.model_fields) | set(LiteLLMParamsTypedDict.__annotations__)
    keys |= set(all_litellm_params) | set(inspect.signature(get_litellm_params).parameters)
    main = _parse(litellm_root / "main.py")
    assert main is not None
    keys |= _reads_of(main, "kwargs") | _reads_of(main, "optional_params")
    for function in (litellm.completion, litellm.embedding):
        keys |= {
            name
            for name, p in inspect.signature(function).parameters.items()
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        }
    return keys


def _model_info() -> set[str]:
    from litellm.types.router import ModelInfo
    from litellm.types.utils import MirroredPricingParams, ModelInfoBase

    return (
        set(ModelInfo.model_fields)
        | set(MirroredPricingParams.model_fields)
        | set(ModelInfoBase.__annotations__)
        | _typed_dict_keys(ModelInfoBase)
    )


def main() -> int:
    import litellm
    from litellm import constants
    from litellm.litellm_core_utils.routing_groups import VALID_ROUTING_STRATEGIES
    from litellm.router_api import router_init_args
    from litellm.types.router import Deployment, DeploymentTypedDict
    from litellm.types.utils import MirroredPricingParams

    root = Path(litellm.__file__).parent
    version = __import__("importlib.metadata").metadata.version("litellm")
    router = set(router_init_args()) - set(constants.ROUTER_SETTINGS_MANAGED_OUTSIDE_CONFIG)
    data = {
        "litellm_version": version,
        "generated_by": "scripts/litellm_keys.py",
        "top_level": sorted(_top_level(root)),
        "router_settings": sorted(router),
        "litellm_settings": sorted(_litellm_settings(root)),
        "general_settings": sorted(_general_settings(root)),
        "model_entry": sorted(
            set(DeploymentTypedDict.__annotations__) | set(Deployment.model_fields)
        ),
        "litellm_params": sorted(_litellm_params(root)),
        "model_info": sorted(_model_info()),
        "pricing_fields": sorted(MirroredPricingParams.model_fields),
        "routing_strategies": sorted(VALID_ROUTING_STRATEGIES),
        "defaults": {
            "max_fallbacks": constants.ROUTER_MAX_FALLBACKS,
            "num_retries": 2,  # router_rust/core.py Resolved.of: `... else 2`
            "allowed_fails": litellm.allowed_fails,
            "cooldown_time": 5,  # router_rust/core.py _DEFAULT_COOLDOWN_SECONDS
        },
    }
    OUT.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    counts = ", ".join(f"{k} {len(v)}" for k, v in data.items() if isinstance(v, list))
    print(f"wrote {OUT} from litellm {version}: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
