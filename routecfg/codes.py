"""What each diagnostic code means, in one line: the rules of SARIF output.

The README's "Diagnostic codes" table is the reference; a code missing here is described by
its first message instead.
"""

from __future__ import annotations

RANGES: tuple[tuple[str, str, str], ...] = (
    ("RC001", "RC001", "the spec file is larger than 1 MiB"),
    ("RC002", "RC002", "a binary file (NUL byte)"),
    ("RC003", "RC003", "not UTF-8"),
    ("RC004", "RC004", "empty spec"),
    ("RC005", "RC005", "YAML syntax error, or several documents in one file"),
    ("RC006", "RC006", "duplicate key (every one is reported)"),
    ("RC007", "RC007", "alias bomb (expands past 200,000 values), recursive or undefined alias"),
    ("RC008", "RC008", "nested more than 64 levels deep"),
    ("RC009", "RC009", "the spec cannot be found or read"),
    (
        "RC010",
        "RC010",
        "warning: the job summary (--summary PATH or $GITHUB_STEP_SUMMARY) cannot be "
        "appended to; the command's result is unchanged",
    ),
    ("RC011", "RC011", "unsupported YAML: a tag, a list or mapping used as a key"),
    ("RC012", "RC012", "a number that is not finite (.inf, .nan)"),
    (
        "RC100",
        "RC104",
        'the spec against its JSON Schema: unknown field (with "did you mean"), wrong '
        "type, missing field, bad value",
    ),
    ("RC110", "RC110", "unsupported version"),
    ("RC201", "RC202", 'unknown tier, unknown gate (with "did you mean")'),
    ("RC203", "RC203", "a gate needs a capability no tier has"),
    (
        "RC210",
        "RC211",
        "a gate needs a capability its tier, a fallback tier or its escalation target lacks",
    ),
    (
        "RC212",
        "RC212",
        "warning: the proxy's fallbacks for a gate's tier reach a tier without a "
        "capability the gate needs",
    ),
    (
        "RC220",
        "RC223",
        "a tier falling back to itself, a tier twice in a chain, a cycle in a gate's "
        "fallbacks or a proxy chain",
    ),
    (
        "RC224",
        "RC224",
        "warning: LiteLLM's effective walk takes a tier's gates further than its chain "
        "declares (a free gate ending on Opus)",
    ),
    (
        "RC230",
        "RC230",
        "a gate on a local tier with no cloud fallback, its own or the proxy's (a warning"
        " when it has a static template)",
    ),
    ("RC240", "RC240", "warning: an escalation to a tier that does not cost more"),
    (
        "RC250",
        "RC252",
        "a config_key that is not a routing property of the backlog schema, used twice, "
        "or owned by escalation",
    ),
    (
        "RC260",
        "RC264",
        "a target path that is absolute, leaves the root through .. or a symlink, or does"
        " not exist (RC264: the templates folder); check, build and diff name a missing "
        "target file as missing",
    ),
    ("RC270", "RC271", "an alias named like a tier, or listed twice"),
    ("RC280", "RC281", "warning: a fallback_rate or escalation_rate that can have no effect"),
    ("RC290", "RC290", "the estimated cost per ticket is over cost.budget.max_per_ticket"),
    (
        "RC301",
        "RC302",
        "a target file that cannot be read as UTF-8 text or JSON (with its position), a "
        "duplicate JSON key",
    ),
    (
        "RC303",
        "RC303",
        "a target lacks the object routecfg edits (llmOps.routing, the schema's routing "
        "properties)",
    ),
    (
        "RC305",
        "RC306",
        "the compiled preset does not validate against the backlog schema; the backlog "
        "schema target is not a valid JSON Schema",
    ),
    (
        "RC311",
        "RC314",
        "a proxy YAML that does not parse, has a duplicate key, cannot be edited without "
        "reformatting it, or lacks the structure an edit needs",
    ),
    (
        "RC315",
        "RC315",
        "a proxy chain routecfg does not own names a model no model_list entry defines "
        "(LiteLLM would skip it silently)",
    ),
    ("RC320", "RC320", "a target changed on disk while routecfg was planning; nothing was written"),
    (
        "RC401",
        "RC406",
        "SKILL.md markers: an end with no begin, a begin never closed, nested blocks, "
        "mismatched names, a block twice, a malformed marker",
    ),
    (
        "RC410",
        "RC412",
        "a block with no template, a template that fails (sandboxed; undefined names are "
        "errors), a bad block parameter",
    ),
    (
        "RC501",
        "RC502",
        "--against names no spec file, preset or git ref; --scenario names no scenario",
    ),
    (
        "RC503",
        "RC503",
        "check/build/diff in --format github and sarif: a target is stale (on the lines "
        "that change)",
    ),
    (
        "RC504",
        "RC504",
        "check/build/diff in --format github and sarif: a generated block was edited by "
        "hand (from its begin to its end marker)",
    ),
    (
        "RC507",
        "RC507",
        "the spec has no targets: an error for check, diff and build (nothing to check is"
        ' not "in sync"), a warning for validate, cost and explain (a spec kept for '
        "estimates); bundled presets are exempt",
    ),
    (
        "RC508",
        "RC508",
        "warning of cost: the spec has no cost.profile, so every estimate is $0 (gates "
        "left out of a profile are named in the table's assumptions)",
    ),
    (
        "RC601",
        "RC605",
        "warnings of init --from-repo, each naming the side the spec took: a schema "
        "default unlike the preset (the preset's), an alias priced unlike its tier (the "
        "tier's), litellm_params prices unlike model_info (the litellm_params prices), "
        "alias chains that do not mirror their tier's (the mirror), something a build "
        "will add or set (a missing schema property, model_list entry or price)",
    ),
    ("RC606", "RC606", "init --from-repo: no llmOps.routing value to infer gates from"),
    (
        "RC701",
        "RC701",
        "verify: LiteLLM walks a chain unlike routecfg (in --format json and github)",
    ),
    ("RC702", "RC702", "verify: litellm is not installed"),
    (
        "RC703",
        "RC704",
        "warning of verify: a tier priced unlike LiteLLM's model map (both figures), or "
        "with tool_use the map says its model lacks",
    ),
    ("RC705", "RC705", "verify: no proxy target and no --proxy"),
    ("RC900", "RC900", "warning of actuals: a ledger line not read (not JSON, or not a call)"),
    ("RC901", "RC901", "actuals: a ledger cannot be read (missing, not a regular file)"),
    ("RC902", "RC902", "actuals: a ledger holds no call record"),
    ("RC903", "RC903", "actuals: no ledger named and none in the spec, or none exists yet"),
    ("RC904", "RC904", "warning of actuals: a ledger gate name that maps to no spec gate"),
    ("RC905", "RC905", "actuals.gates maps a name to a gate the spec does not have"),
    ("RC906", "RC906", "proxy.ledger or actuals.ledgers leaves the spec's folder"),
    ("RC907", "RC907", "actuals --calibrate: no spec gate has answered calls on a ticket"),
    ("RC908", "RC908", "actuals --calibrate: the spec cannot be edited in place"),
    ("RC909", "RC909", "warning of actuals: no routecfg.yaml; the bundled preset is used"),
)


def meaning(code: str) -> str | None:
    """The one-line meaning of ``code`` (its range's, when codes share a line), if known."""
    for first, last, words in RANGES:
        if first <= code <= last:
            return words
    return None
