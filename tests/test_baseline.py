"""The cost line's "before" when it is not the committed spec: what the targets hold, and the
old tiers the skills' prose states for gates no config key holds; read without a git process
and without re-reading files in sync.

Each fast reader is held to the slow one it replaces: `git show HEAD:./name` for
:mod:`routecfg.gitobjects`, routecfg's JSON parser for the preset, the proxy file for a proxy in
sync. The cost line's text is pinned here and in tests/test_compile.py and tests/test_cost.py.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from routecfg import baseline, compiler, gitobjects, gitref
from routecfg.model import RoutingSpec
from routecfg.prose.stated import stated_tiers
from routecfg.validate import validate
from tests.conftest import REPO, run, writable_copy

EXAMPLE = REPO / "examples" / "backlog-toolkit"


def git(folder: Path, *args: str) -> str:
    command = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    return subprocess.run([*command, *args], check=True, capture_output=True, text=True).stdout


def by_git(path: Path) -> str | None:
    """What git itself prints: `git show HEAD:./name` in the file's folder, decoded as text;
    None where git fails."""
    resolved = path.resolve()
    try:
        return gitref._git(resolved.parent, "show", f"HEAD:./{resolved.name}")
    except gitref.GitUnavailable:
        return None


def commit(folder: Path, message: str = "change") -> None:
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", message)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A repository with history: a spec in a subfolder, rewritten over 12 commits (so that a
    pack stores most versions as deltas), CRLF lines and non-ASCII text."""
    folder = tmp_path / "repo"
    (folder / "sub").mkdir(parents=True)
    git(folder, "init", "-q")
    for version in range(12):
        lines = [f"line {n}: café\r\n" for n in range(400 - 20 * version)]
        (folder / "sub" / "routecfg.yaml").write_text(
            "".join(lines) + f"version {version}\n", newline=""
        )
        (folder / "other.txt").write_text(f"{version}\n")
        commit(folder, f"v{version}")
    return folder


def assert_reads_as_git(path: Path) -> None:
    assert gitobjects.head_text(path) == by_git(path)


@pytest.mark.parametrize(
    "repack",
    [
        [],  # loose objects
        ["gc", "-q"],  # one pack, offset deltas
        ["-c", "repack.useDeltaBaseOffset=false", "repack", "-adfq", "--depth=50"],  # ref deltas
    ],
    ids=["loose", "packed", "reference-deltas"],
)
def test_the_committed_file_reads_as_git_show_prints_it(
    repository: Path, repack: list[str]
) -> None:
    if repack:
        git(repository, *repack)
    spec = repository / "sub" / "routecfg.yaml"
    spec.write_text("edited since the commit\n")
    text = gitobjects.head_text(spec)
    assert text is not None
    assert text.endswith("line 179: café\nversion 11\n")  # CRLF as text mode gives it: LF
    assert text == by_git(spec)
    assert_reads_as_git(repository / "other.txt")


def test_older_commits_and_packed_refs_read_as_git(repository: Path) -> None:
    git(repository, "gc", "-q")
    git(repository, "pack-refs", "--all")
    assert not list((repository / ".git" / "refs" / "heads").iterdir())
    assert_reads_as_git(repository / "sub" / "routecfg.yaml")
    git(repository, "checkout", "-q", "HEAD~7")  # detached, an object deep in a delta chain
    assert_reads_as_git(repository / "sub" / "routecfg.yaml")


def test_a_worktree_reads_its_own_head(repository: Path, tmp_path: Path) -> None:
    git(repository, "worktree", "add", "-q", "-b", "side", str(tmp_path / "side"), "HEAD~3")
    side = tmp_path / "side" / "sub" / "routecfg.yaml"
    assert (
        gitobjects.head_text(side) == by_git(side) != by_git(repository / "sub" / "routecfg.yaml")
    )


def test_where_git_finds_nothing_the_answer_is_none(repository: Path, tmp_path: Path) -> None:
    new = repository / "sub" / "new.yaml"
    new.write_text("not committed\n")
    outside = tmp_path / "outside" / "routecfg.yaml"
    outside.parent.mkdir()
    outside.write_text("version: 1\n")
    unborn = tmp_path / "unborn"
    unborn.mkdir()
    git(unborn, "init", "-q")
    (unborn / "routecfg.yaml").write_text("version: 1\n")
    for path in (new, outside, unborn / "routecfg.yaml"):
        assert by_git(path) is None
        assert gitobjects.head_text(path) is None


@pytest.mark.parametrize("case", ["environment", "extension", "alternates", "symlink"])
def test_what_the_reader_cannot_vouch_for_is_left_to_git(
    repository: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = repository / "sub" / "routecfg.yaml"
    if case == "environment":
        monkeypatch.setenv("GIT_DIR", str(repository / ".git"))
    elif case == "extension":
        git(repository, "config", "core.repositoryformatversion", "1")
        git(repository, "config", "extensions.worktreeConfig", "true")
    elif case == "alternates":
        (repository / ".git" / "objects" / "info" / "alternates").write_text("/nowhere\n")
    else:
        (repository / "link.yaml").symlink_to("sub/routecfg.yaml")
        commit(repository)
        path = repository / "link.yaml"
        path.unlink()
        path.write_text("a file now\n")
    with pytest.raises(gitobjects.Undecided):
        gitobjects.head_text(path)


def test_the_cost_line_reads_head_without_git_and_says_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    git(tmp_path, "init", "-q")
    commit(tmp_path, "routing")
    spec = tmp_path / "routecfg.yaml"
    committed = spec.read_text()
    lines = {}
    for edited in (False, True):
        if edited:
            spec.write_text(committed.replace("tier: balanced, needs", "tier: frontier, needs"))
        fast = run(["check", "--no-cache"], cwd=tmp_path).stderr.splitlines()[0]
        with monkeypatch.context() as patched:
            patched.setattr(gitobjects, "head_text", _undecided)
            slow = run(["check", "--no-cache"], cwd=tmp_path).stderr.splitlines()[0]
        assert fast == slow
        lines[edited] = fast
    assert lines == {
        False: "est. cost/ticket $0.212 (unchanged)",
        True: "est. cost/ticket $0.212 → $0.272 (+28%)",
    }


def _undecided(path: Path) -> str | None:
    raise gitobjects.Undecided


def test_a_proxy_in_sync_is_not_read_again_and_gives_the_same_prices(
    upstream: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = writable_copy(upstream / "head", tmp_path / "head")
    assert run(["init", "--from-repo"], cwd=head).exit_code == 0
    for root, haiku in ((EXAMPLE, ("1", "5")), (head, ("1.1", "5.5"))):
        validated = validate(root / "routecfg.yaml", missing_targets=False)
        changes = compiler.make_plan(validated)
        proxy = next(c for c in changes if c.kind == "proxy")
        assert not proxy.changed
        assert proxy.old is not None
        assert baseline._in_sync_prices(validated.spec, proxy) is not None
        fast = baseline.encoded_spec(validated.spec, changes)
        monkeypatch.setattr(baseline, "_in_sync_prices", lambda spec, change: None)
        read = baseline.encoded_spec(validated.spec, changes)
        monkeypatch.undo()
        assert fast is not None
        assert read is not None
        assert read.gates == fast.gates
        for name, tier in read.tiers.items():
            price = fast.tiers[name].price
            assert (tier.price.input, tier.price.output) == (price.input, price.output)
        cheap = read.tiers["cheap"].price
        assert (cheap.input, cheap.output) == tuple(map(Decimal, haiku))


def test_a_proxy_with_prices_of_its_own_is_read(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    proxy = tmp_path / "config" / "litellm" / "proxy-config.yaml"
    proxy.write_text(proxy.read_text().replace("0.000001\n", "0.000002\n", 1))
    validated = validate(tmp_path / "routecfg.yaml", missing_targets=False)
    changes = compiler.make_plan(validated)
    change = next(c for c in changes if c.kind == "proxy")
    assert change.changed
    assert baseline._in_sync_prices(validated.spec, change) is None


# -- the old tiers the skills' prose states ---------------------------------------------------------


SEED_SPEC = REPO / "presets" / "cost-optimized.yaml"


def seed_vocabulary_spec() -> RoutingSpec:
    return validate(SEED_SPEC, missing_targets=False).spec


@pytest.mark.parametrize(
    ("prose", "tiers", "disputed"),
    [
        ('   Gate 5 COMMIT    → always "cheap"\n', {"commit": "cheap"}, ()),
        (
            "- Wave summary → delegate to sonnet write-agent (writes log)\n",
            {"write_agent": "balanced"},
            (),
        ),
        ('```json\n"routing": {\n  "lintModel": "cheap"\n}\n```\n', {"lint": "cheap"}, ()),
        # A fallback says nothing of the gate's own tier.
        (
            "  Gate 1 PLAN: llm_call.sh --model free\n"
            '               If empty or error → fallback to Task(model: "haiku") subagent\n',
            {"plan": "free"},
            (),
        ),
        # Two tiers for one gate: no old tier.
        (
            '   Gate 5 COMMIT → always "cheap"\n\nGate 5 COMMIT → always "balanced"\n',
            {},
            ("commit",),
        ),
        # A silenced line is not read, as the lint does not read it.
        (
            '   Gate 5 COMMIT → always "cheap"\n\n'
            'Gate 5 COMMIT → always "balanced" <!-- routecfg:ignore RC802 -->\n',
            {"commit": "cheap"},
            (),
        ),
        ("Nothing about routing here.\n", {}, ()),
    ],
)
def test_the_prose_states_a_gates_old_tier_only_when_all_its_claims_agree(
    prose: str, tiers: dict[str, str], disputed: tuple[str, ...]
) -> None:
    gates = ("wave_plan", "plan", "lint", "commit", "write_agent")
    stated = stated_tiers(seed_vocabulary_spec(), [("skills/x/SKILL.md", prose)], gates)
    assert (dict(stated.tiers), stated.disputed) == (tiers, disputed)


def test_generated_blocks_and_silenced_files_are_not_read() -> None:
    spec = seed_vocabulary_spec()
    block = (
        "<!-- routecfg:begin gate-model gate=commit -->\n"
        'Gate 5 COMMIT → always "balanced"\n'
        "<!-- routecfg:end gate-model -->\n"
    )
    assert stated_tiers(spec, [("a.md", block)], ("commit",)).tiers == {}
    silenced = dataclasses.replace(spec, prose=dataclasses.replace(spec.prose, ignore=("a.md",)))
    said = 'Gate 5 COMMIT → always "cheap"\n'
    assert stated_tiers(silenced, [("a.md", said)], ("commit",)).tiers == {}
    assert stated_tiers(spec, [("a.md", said)], ("commit",)).tiers == {"commit": "cheap"}


def adopted_pre_seed(upstream: Path, root: Path) -> Path:
    """The README's walkthrough: pre-seed adopted with `init --from-repo`, then the seed's
    routing (gates, escalation) and its cost profile, from the cost-optimized preset."""
    for part in ("config", "skills"):
        writable_copy(upstream / "pre-seed" / part, root / part)
    assert run(["init", "--from-repo", "-q"], cwd=root).exit_code == 0
    spec = root / "routecfg.yaml"
    text = spec.read_text(encoding="utf-8")
    seed = SEED_SPEC.read_text(encoding="utf-8")
    routing = seed[seed.index("gates:") : seed.index("\nproxy:") + 1]
    text = text[: text.index("gates:")] + routing + text[text.index("\nproxy:") + 1 :]
    spec.write_text(text[: text.index("\ncost:") + 1] + seed[seed.index("\ncost:") + 1 :])
    return root


def cost_line(root: Path) -> str:
    lines = run(["check", "--no-cache"], cwd=root).stderr.splitlines()
    return next(line for line in lines if line.startswith("est. cost/ticket"))


def test_the_walkthroughs_before_reads_the_prose_for_gates_without_a_config_key(
    upstream: Path, tmp_path: Path
) -> None:
    root = adopted_pre_seed(upstream, tmp_path)
    # The seed's own figures, from the bundled presets: $0.432 → $0.212 (−51%). Before this
    # reading, the five gates without a preset key were left out of both figures:
    # "est. cost/ticket $0.360 → $0.200 (−44%; before: what the targets hold; left out of
    # both: wave_plan, plan, lint, commit, write_agent (no target states their old tier))".
    # Pre-seed's PLAN is said to run on free (`llm_call.sh --model free`, for local-eligible
    # tickets) and on balanced (`"planningModel": "balanced"`): no old tier for it.
    assert cost_line(root) == (
        "est. cost/ticket $0.387 → $0.209 (−46%; before: what the targets hold, with old tiers "
        "from the skills' prose: wave_plan balanced, lint cheap, commit cheap, write_agent "
        "balanced; left out of both: plan (the skills' prose states more than one old tier))"
    )
    # Silence the local-eligible line, and the prose says PLAN ran on balanced: the seed's own
    # before and after, to the tenth of a cent.
    skill = root / "skills" / "backlog-implementer" / "SKILL.md"
    lines = skill.read_text(encoding="utf-8").split("\n")
    assert "--model free" in lines[103]
    lines[103] += " <!-- routecfg:ignore RC802 -->"
    skill.write_text("\n".join(lines), encoding="utf-8")
    assert cost_line(root) == (
        "est. cost/ticket $0.432 → $0.212 (−51%; before: what the targets hold, with old tiers "
        "from the skills' prose: wave_plan balanced, plan balanced, lint cheap, commit cheap, "
        "write_agent balanced)"
    )


def test_a_gate_on_its_old_tier_is_priced_without_the_specs_fallback(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    preset = tmp_path / "config" / "presets" / "default.json"
    text = preset.read_text()
    assert '"entryModelPlan": "free"' in text
    preset.write_text(text.replace('"entryModelPlan": "free"', '"entryModelPlan": "balanced"'))
    # PLAN was on balanced: all its calls there ($0.045), not 20% of them on the spec's
    # fallback, cheap, which is how often free fails over ($0.039, and $0.239 in all).
    assert cost_line(tmp_path) == (
        "est. cost/ticket $0.245 → $0.203 (−17%; before: what the targets hold; left out of "
        "both: wave_plan, lint, commit, write_agent (no target states their old tier))"
    )


def test_the_spec_at_head_is_read_without_a_git_process_where_the_files_answer(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`committed()` (the cost line's before, hand-edit detection) reads HEAD through
    gitref.spec_at, which asks git only where gitobjects cannot vouch for the answer."""
    spec = repository / "sub" / "routecfg.yaml"
    expected = by_git(spec)
    missing = repository / "sub" / "new.yaml"
    missing.write_text("not committed\n")

    def no_process(*args: object) -> str:
        raise AssertionError("git ran")

    monkeypatch.setattr(gitref, "_git", no_process)
    assert gitref.spec_at("HEAD", spec) == (expected, "HEAD:routecfg.yaml")
    with pytest.raises(gitref.GitUnavailable, match=r"^new\.yaml is not committed at HEAD$"):
        gitref.spec_at("HEAD", missing)
    monkeypatch.setenv("GIT_DIR", str(repository / ".git"))  # not for gitobjects to say
    with pytest.raises(AssertionError, match="git ran"):
        gitref.spec_at("HEAD", spec)
