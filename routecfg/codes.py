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
        "RC509",
        "RC509",
        "warning of cost in --format sarif and the job summary: gates the cost.profile "
        "leaves out, not counted in the estimate",
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
    ("RC013", "RC013", "the spec is not a regular file (a FIFO, a device, a socket)"),
    ("RC014", "RC014", "a number of 10^12 or more (no price, count or rate is that large)"),
    (
        "RC265",
        "RC265",
        "a target is not a regular file (a FIFO, a device, a socket): refused at once, never read",
    ),
    (
        "RC266",
        "RC266",
        "a target path the system cannot use: a NUL byte, a name too long, a symlink loop",
    ),
    ("RC267", "RC267", "a target path names the spec file itself"),
    ("RC307", "RC307", "a JSON integer of more than 4,000 digits in a target"),
    (
        "RC321",
        "RC321",
        "build could not write a file (no space left, permission denied, read-only file system, …): the file and the reason; nothing was written",
    ),
    (
        "RC322",
        "RC322",
        "build could not rename a written file over its target: the files written and not written are named; the next build writes the rest",
    ),
    (
        "RC323",
        "RC323",
        "another build in the same folder held the lock for over 60 s, or the folder cannot be opened to lock it; nothing was written",
    ),
    (
        "RC324",
        "RC324",
        "a target with other hard links (writing it would split them); nothing was written",
    ),
    (
        "RC325",
        "RC325",
        "a read-only target; nothing was written (build --force replaces it, keeping its mode)",
    ),
    (
        "RC326",
        "RC326",
        "warning: a temporary file an interrupted build left next to a target, removed by build",
    ),
    ("RC327", "RC327", "an immutable or append-only target (chattr +i/+a); nothing was written"),
    (
        "RC328",
        "RC328",
        "a value routecfg owns in the preset, schema or proxy was edited by hand: neither what the spec gives, nor what the spec committed at HEAD gave, nor what the file itself holds at HEAD (a spec committed without a build leaves its targets stale, not edited) (check exits 3; build writes nothing without --force; outside git, or with no valid spec at HEAD, such a value is only stale)",
    ),
    (
        "RC407",
        "RC408",
        "a comment that looks like a misspelt marker (<!-- routcfg:begin x -->, routecfg-end), with a did-you-mean; a block that begins inside a code fence and ends outside it (or in another fence)",
    ),
    (
        "RC413",
        "RC419",
        "blocks add: the file is not a skills target, lines that cross the edge of a code fence, lines that overlap a block, no such heading (did-you-mean) or one that appears twice, the block is already there, lines not in the file, the file does not exist",
    ),
    (
        "RC420",
        "RC420",
        "a template file that is not a regular file, a symlink out of its templates folder, unreadable, or over 1 MiB",
    ),
    ("RC421", "RC421", "a template file that is not UTF-8 (the byte's line and column)"),
    ("RC422", "RC422", "a block's rendered body over 1 MiB"),
    (
        "RC423",
        "RC423",
        "a block's template ran past its time budget (5 s) or its memory ceiling (256 MiB over what routecfg uses)",
    ),
    (
        "RC424",
        "RC424",
        "a template operation past the sandbox's bounds: a power over 4,096 bits, a value of more than 1 MiB built by *, +, ~, %, padding or replace",
    ),
    (
        "RC607",
        "RC608",
        "warnings: a routing property the schema defines and the preset does not state (init --from-repo); the preset already breaks its backlog schema outside llmOps.routing, which routecfg does not own (init --from-repo, check, build, diff)",
    ),
    (
        "RC706",
        "RC706",
        "verify: LiteLLM runs a series of failing requests (retries, backoff, cooldowns) unlike routecfg computes it (in --format json and github)",
    ),
    (
        "RC707",
        "RC707",
        "warning: a proxy target that serves some tiers only (targets.proxy[].tiers) does not serve a tier gates run on",
    ),
    ("RC708", "RC708", "a proxy target names an alias group proxy.aliases does not define"),
    (
        "RC709",
        "RC709",
        "warning: a tier's deployment is priced unlike the tier (LiteLLM load-balances the group; estimates use the tier's price); verify also reports a proxy file's group whose deployments are priced unlike its first",
    ),
    (
        "RC750",
        "RC750",
        'LiteLLM config lint: an unknown key at the top level, in router_settings, litellm_settings, general_settings or a model_list entry, or a near miss of a known key in litellm_params / model_info (with "did you mean")',
    ),
    (
        "RC751",
        "RC751",
        "a key LiteLLM reads in another section (budgets at the top level, enable_tag_filtering under general_settings …), or from no section of the file (model_max_budget)",
    ),
    ("RC752", "RC752", "an unknown routing_strategy (LiteLLM refuses to start)"),
    (
        "RC753",
        "RC753",
        "duplicate deployments: the same model_name and litellm_params, or the same model_info.id, shadow each other",
    ),
    (
        "RC754",
        "RC754",
        "a fallback chain, default_fallbacks or a model_group_alias names a model no model_list entry defines",
    ),
    (
        "RC755",
        "RC755",
        "nested fallback chains deeper than max_fallbacks: LiteLLM never tries their last groups",
    ),
    (
        "RC756",
        "RC756",
        "warning: a chat group in no fallback chain at all, where another group could serve it",
    ),
    ("RC757", "RC757", "warning: retries with cooldowns disabled"),
    (
        "RC758",
        "RC758",
        "warning: a one-deployment group with a chain and allowed_fails set: after the failures it cools down and all its traffic goes straight down the chain (to a costlier tier) for cooldown_time s",
    ),
    (
        "RC759",
        "RC759",
        "warning: a context_window_fallbacks target whose window (max_input_tokens, LiteLLM's model map) is no larger",
    ),
    ("RC760", "RC760", "a budget period in minutes (time_period: 1m is one minute, not a month)"),
    (
        "RC761",
        "RC762",
        "an os.environ/VAR reference to an unset variable (lint-proxy --env), or one that names no variable",
    ),
    (
        "RC763",
        "RC763",
        "a price in model_info unlike the same price in litellm_params (LiteLLM bills the latter, drops the former)",
    ),
    (
        "RC764",
        "RC764",
        "warning: custom prices without cache prices for a model LiteLLM's map does not know (cache tokens billed at 0)",
    ),
    (
        "RC765",
        "RC765",
        "a proxy config LiteLLM cannot read as a config: a section or entry of the wrong kind, no model_name, no litellm_params.model",
    ),
    (
        "RC766",
        "RC766",
        "lint-proxy: nothing to lint (no PATH and no proxy target), or a missing file",
    ),
    (
        "RC767",
        "RC767",
        "warning: a chain longer than max_fallbacks (LiteLLM 1.110.2 still tries every model of it: max_fallbacks bounds nesting)",
    ),
    (
        "RC800",
        "RC800",
        'prose: a Task model given to a gate or a role that the spec routes elsewhere (Task(model: "haiku") for Gate 4 REVIEW, delegate … to sonnet write-agent)',
    ),
    (
        "RC801",
        "RC801",
        'prose: a config key with the wrong tier (entryModelReview (cheap), (default: "balanced"), a table row)',
    ),
    (
        "RC802",
        "RC802",
        'prose: a gate arrow or llm_call.sh --model TIER naming another tier than the gate\'s (Gate 5 COMMIT: → always "cheap")',
    ),
    (
        "RC803",
        "RC803",
        "prose: a price per MTok unlike the tier's (Haiku in=$0.80/out=$4, a price table row)",
    ),
    (
        "RC804",
        "RC805",
        'prose: an escalation threshold ("fails … once") or re-run tier unlike the escalation rule\'s',
    ),
    (
        "RC806",
        "RC806",
        "prose: ARCH / SECURITY tickets sent to another tier than the escalation model",
    ),
    (
        "RC807",
        "RC807",
        "warning: a prose.ignore entry that silences nothing (no prose code, no skills target; with did-you-mean)",
    ),
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
    (
        "RC910",
        "RC910",
        "actuals in --format sarif and the job summary: the actual cost per ticket is over "
        "cost.budget.max_per_ticket",
    ),
)


def meaning(code: str) -> str | None:
    """The one-line meaning of ``code`` (its range's, when codes share a line), if known."""
    for first, last, words in RANGES:
        if first <= code <= last:
            return words
    return None
