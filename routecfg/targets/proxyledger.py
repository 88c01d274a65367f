"""``proxy.ledger``: routecfg's LiteLLM callback registered in the proxy config, owned like the
model entries and chains.

With a ledger path, ``litellm_settings.callbacks`` holds :data:`CALLBACK` (other callbacks stay,
in their order) and ``environment_variables.ROUTECFG_LEDGER`` the path, which the callback reads
when it writes. Without one, routecfg takes out what it once put in and nothing else.
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from routecfg.targets import yamlcomments
from routecfg.targets.yamlnodes import (
    CANNOT_PLACE,
    ProxyDoc,
    error_at,
    flow_list,
    kind_name,
    scalar_node,
    value_position,
)

CALLBACK = "routecfg.router.ledger_callback.ledger"
ENVIRONMENT = "ROUTECFG_LEDGER"
SETTINGS = "litellm_settings"
VARIABLES = "environment_variables"
DEFAULT_PATH = "litellm-ledger.jsonl"  # the callback's, without ROUTECFG_LEDGER


def registered(doc: ProxyDoc) -> str | None:
    """The ledger path the file registers the callback with (``init --from-repo`` reads it
    back); None when the callback is not registered."""
    settings = doc.root.get(SETTINGS)
    callbacks = settings.get("callbacks") if isinstance(settings, CommentedMap) else None
    if not isinstance(callbacks, CommentedSeq) or CALLBACK not in callbacks:
        return None
    variables = doc.root.get(VARIABLES)
    path = variables.get(ENVIRONMENT) if isinstance(variables, CommentedMap) else None
    return path if isinstance(path, str) and path else DEFAULT_PATH


def register(doc: ProxyDoc, ledger: str | None) -> bool:
    """Make the file register the callback writing to ``ledger`` (None: register nothing);
    whether the text changed."""
    if ledger is None:
        return _unregister(doc)
    changed = _add_callback(doc)
    variables = _mapping(doc, doc.root, VARIABLES, create=True)
    assert variables is not None
    if variables.get(ENVIRONMENT) == ledger:
        return changed
    if ENVIRONMENT in variables:
        variables[ENVIRONMENT] = scalar_node(ledger)
    else:
        yamlcomments.add_key(variables, ENVIRONMENT, scalar_node(ledger), blank=False)
    return True


def _mapping(doc: ProxyDoc, parent: CommentedMap, key: str, *, create: bool) -> CommentedMap | None:
    value = parent.get(key)
    if isinstance(value, CommentedMap) and len(value) > 0:
        return value
    if key in parent and not (value is None or isinstance(value, CommentedMap)):
        message = f"{key} is {kind_name(value)}; expected a mapping"
        raise error_at(doc.path, value_position(parent, key), CANNOT_PLACE, message, None)
    if not create:
        return None
    block = CommentedMap()
    if key in parent:
        yamlcomments.replace_with_block(parent, key, block)
    else:
        yamlcomments.add_key(parent, key, block, blank=True)
    return block


def _callbacks(doc: ProxyDoc, settings: CommentedMap) -> CommentedSeq | None:
    value = settings.get("callbacks")
    if value is None or isinstance(value, CommentedSeq):
        return value
    message = f"{SETTINGS}.callbacks is {kind_name(value)}; expected a list"
    hint = f"write it as a list, e.g. `callbacks: [{value}]`" if isinstance(value, str) else None
    raise error_at(doc.path, value_position(settings, "callbacks"), CANNOT_PLACE, message, hint)


def _add_callback(doc: ProxyDoc) -> bool:
    settings = _mapping(doc, doc.root, SETTINGS, create=True)
    assert settings is not None
    callbacks = _callbacks(doc, settings)
    if callbacks is not None and CALLBACK in callbacks:
        return False
    if callbacks:
        if callbacks.fa.flow_style():
            callbacks.append(scalar_node(CALLBACK))
        else:
            yamlcomments.append(callbacks, scalar_node(CALLBACK), blank_line=False)
    elif "callbacks" in settings:
        settings["callbacks"] = flow_list([CALLBACK])
    else:
        yamlcomments.add_key(settings, "callbacks", flow_list([CALLBACK]), blank=False)
    return True


def _unregister(doc: ProxyDoc) -> bool:
    changed = False
    settings = _mapping(doc, doc.root, SETTINGS, create=False)
    callbacks = _callbacks(doc, settings) if settings is not None else None
    if settings is not None and callbacks is not None and CALLBACK in callbacks:
        _remove(doc.root, settings, SETTINGS, callbacks, "callbacks", CALLBACK)
        changed = True
    variables = _mapping(doc, doc.root, VARIABLES, create=False)
    if variables is not None and ENVIRONMENT in variables:
        _remove_key(doc.root, VARIABLES, variables, ENVIRONMENT)
        changed = True
    return changed


def _remove(
    root: CommentedMap,
    settings: CommentedMap,
    settings_key: str,
    callbacks: CommentedSeq,
    key: str,
    item: str,
) -> None:
    if len(callbacks) > 1:
        yamlcomments.remove(callbacks, list(callbacks).index(item))
        return
    _remove_key(root, settings_key, settings, key)


def _remove_key(root: CommentedMap, parent_key: str, parent: CommentedMap, key: str) -> None:
    """Remove ``parent[key]``, and ``parent`` itself when that was all it held (an empty ``{}``
    when it is all the file holds: LiteLLM reads a null section as an error)."""
    if len(parent) > 1:
        yamlcomments.remove(parent, key)
    elif len(root) > 1:
        yamlcomments.remove(root, parent_key)
    else:
        empty = CommentedMap()
        empty.fa.set_flow_style()
        root[parent_key] = empty
