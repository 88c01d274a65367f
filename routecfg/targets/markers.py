"""Generated blocks in Markdown: the lines between routecfg's begin and end markers.

    <!-- routecfg:begin gate-model gate=implement digest=sha256:0123abcd4567 -->
    ...the body, which routecfg owns...
    <!-- routecfg:end gate-model -->

Each marker is an HTML comment alone on its line. Markers are parsed strictly and with positions;
every problem is collected and raised at once. Text in, text out: no file access here.

Inside a fenced code block an HTML comment would show as text, and HTML marker lines there are
documentation (examples of markers), not markers. A block inside a fence uses the fence form
instead, a line comment that reads harmlessly in the code around it::

    ```
    # routecfg:begin model-rules digest=sha256:0123abcd4567
    ...the body...
    # routecfg:end model-rules
    ```

(``//`` works as the leader too). Both markers of a fenced block sit in the same fence.
A comment that looks like a misspelt marker (``routecfg:begn``, ``routcfg:begin``) is an error
with a did-you-mean, never silently ordinary text; ``routecfg:ignore`` lines belong to the prose
lint and are not markers.
"""

# Annotations evaluated where written (no `from __future__ import annotations`): a NamedTuple
# compiles each field's annotation given as a string, a cost at every cold start.
import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, NamedTuple

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity
from routecfg.frozen import record

Params = tuple[tuple[str, str], ...]
BlockState = Literal["fresh", "hand-edited", "no-digest"]
MarkerKind = Literal["begin", "end"]
MarkerStyle = Literal["html", "#", "//"]  # how the marker lines are written: <!-- -->, or a leader

_BLANK = " \t"
_LEADING = " \t\ufeff"  # a byte-order mark may sit before the first line's marker
# What a line must start with (after _LEADING) to matter to the scan: outside code fences, to
# open a fence ("```", "~~~") or to be an HTML comment (a marker's, a misspelt one's); inside,
# to close the fence or to be a line comment ("#", "//"). One search finds them in the text.
# A literal first ("\n"): searched fast. The byte-order mark only where the text has one: in a
# class, it makes compiling the pattern six times dearer.
_MAY_MATTER = "\n[ \t]*[<`~#/]"
_MAY_MATTER_BOM = "\n[ \t\ufeff]*[<`~#/]"
# The patterns are compiled where a text first needs them (``_pattern``): most runs read no
# marker at all, and a cold start pays for every pattern compiled.
_LINE = r"[^\n]*\n|[^\n]+\Z"
_MARKER_PREFIX = r"<!--[ \t]*routecfg:"
_FENCED_PREFIX = r"(?P<leader>#|//)[ \t]*routecfg:"
# A comment that may be a misspelt marker: its first word or two, after the comment's opening.
_HTML_COMMENT = r"<!--[ \t]*(?P<words>[^\s>]+(?:[ \t]+[^\s>]+)?)"
_LINE_COMMENT = r"(?P<leader>#|//)[ \t]*(?P<words>[^\s]+(?:[ \t]+[^\s]+)?)"
_SPLIT_WORD = r"(?P<prefix>[^:._-]*)(?:(?P<separator>[:._-])(?P<kind>.*))?"
KINDS = ("begin", "end")
NOT_MARKERS = ("ignore",)  # routecfg:ignore RC8xx: the prose lint's, not a block marker
# A token is a run of non-blank text in which a double-quoted part may hold blanks.
_TOKEN = r'(?:[^\s"]+|"[^"]*"?)+'
_NAME = r"[a-z][a-z0-9-]*"
_ATTRIBUTE = r'(?P<key>[a-z][a-z0-9_-]*)=(?:"(?P<quoted>[^"]*)"|(?P<bare>[^\s"]+))'
_BARE_VALUE = r'[^\s"]+'
_DIGEST = r"sha256:[0-9a-f]{12}"
_FENCE = r"(?P<run>`{3,}|~{3,})(?P<info>.*)"

_NAME_HINT = "a block name is lower-case letters, digits and '-', starting with a letter"
_ATTRIBUTE_HINT = (
    "write key=value or key=\"quoted value\"; a key is lower-case letters, digits, '_' and '-'"
)


class BlockKey(NamedTuple):
    """What tells blocks apart in one file: the name and the parameters, sorted by key."""

    name: str
    params: Params


def block_key(name: str, params: Iterable[tuple[str, str]] = ()) -> BlockKey:
    return BlockKey(name, tuple(sorted(params)))


@record
class Block:
    """One generated block. Lines are 1-based; offsets index the text it was found in."""

    name: str
    params: Params  # in the order written; the digest attribute is not among them
    digest: str | None
    begin_line: int
    end_line: int
    body: str  # the exact text between the marker lines, final newline included
    body_start: int
    body_end: int
    begin_marker: str  # the begin comment as written, from "<!--" to "-->" (or from its leader)
    begin_marker_start: int
    style: MarkerStyle = "html"
    fence: str | None = None  # the run that opened the code fence the block sits in, e.g. "```"

    @property
    def key(self) -> BlockKey:
        return block_key(self.name, self.params)


def find_blocks(text: str, path: str) -> tuple[Block, ...]:
    """Every block in ``text``, in file order; raises one RoutecfgError listing every problem."""
    return _find_blocks(text, path)


# A check asks for one file's blocks several times (render, hand edits, the count, the prose
# lint); the blocks are frozen records, so one scan serves them all.
@functools.lru_cache(maxsize=32)
def _find_blocks(text: str, path: str) -> tuple[Block, ...]:
    markers: list[_Marker] = []
    problems: list[Diagnostic] = []
    scan = _scan(text)
    for candidate in scan.markers:
        marker, found = _MarkerParser(path, candidate).parse()
        problems.extend(found)
        if marker is not None:
            markers.append(marker)
    problems.extend(_misspelt_marker(path, typo) for typo in scan.typos)
    real = [m for m in markers if not m.stand_in]
    pairs, pairing_problems = _pair_markers(real, path)
    if len(real) < len(markers):
        # A misspelt kind, read as the kind it surely means, may clear problems (its partner
        # unpaired, a later block "nested" in the one it closes): those are its consequences,
        # and only its own diagnostic is shown. What remains either way is reported.
        as_meant = {problem.line for problem in _pair_markers(markers, path)[1]}
        pairing_problems = [p for p in pairing_problems if p.line in as_meant]
    problems.extend(pairing_problems)
    problems.extend(_duplicate_blocks([m for m in real if m.kind == "begin"], path))
    if problems:
        raise RoutecfgError(problems)
    return tuple(_make_block(text, begin, end) for begin, end in pairs)


@functools.cache
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source)


def sha256_hex(data: bytes) -> str:
    """SHA-256 from the interpreter's own module where it has one (3.11): hashlib would load
    OpenSSL, milliseconds at every start, for a digest of a few kilobytes."""
    module: Any
    try:
        module = __import__("_sha256")  # no type stubs: a private module of CPython's
    except ImportError:  # pragma: no cover - later Pythons name it _sha2; hashlib has it
        import hashlib as module
    return str(module.sha256(data).hexdigest())


def body_digest(body: str) -> str:
    """``sha256:`` and 12 hex digits, the same for LF and CRLF copies of one body."""
    normalised = body.replace("\r\n", "\n").replace("\r", "\n")
    return "sha256:" + sha256_hex(normalised.encode("utf-8"))[:12]


def block_state(block: Block) -> BlockState:
    """``hand-edited`` when the body no longer matches the digest routecfg recorded for it."""
    if block.digest is None:
        return "no-digest"
    return "fresh" if block.digest == body_digest(block.body) else "hand-edited"


def replace_blocks(text: str, blocks: Sequence[Block], bodies: Mapping[BlockKey, str]) -> str:
    """``text`` with each keyed block's body replaced and its digest updated; all else kept.

    Blocks without an entry in ``bodies`` are left alone. The new body gets the line ending of
    its begin marker's line and a final newline unless empty, so the end marker stays on its
    own line. The marker is rewritten only when the digest changes.
    """
    known = {block.key for block in blocks}
    unknown = [key for key in bodies if key not in known]
    if unknown:
        raise ValueError(f"no block in the text for {unknown}")
    pieces: list[str] = []
    position = 0
    for block in sorted((b for b in blocks if b.key in bodies), key=lambda b: b.body_start):
        _check_block_is_in(text, block)
        marker, body = _new_marker_and_body(text, block, bodies[block.key])
        marker_end = block.begin_marker_start + len(block.begin_marker)
        pieces += [text[position : block.begin_marker_start], marker]
        pieces += [text[marker_end : block.body_start], body]
        position = block.body_end
    pieces.append(text[position:])
    return "".join(pieces)


# --- lines and code fences ---------------------------------------------------------------------


class _Line(NamedTuple):
    number: int  # 1-based
    start: int  # offset of its first character
    content: str  # without its line ending
    end: int  # offset just past its line ending


def _iter_lines(text: str) -> Iterator[_Line]:
    for number, match in enumerate(_pattern(_LINE).finditer(text), start=1):
        content = match.group().removesuffix("\n").removesuffix("\r")
        yield _Line(number, match.start(), content, match.end())


class _Fences:
    """Follows fenced code blocks (``` or ~~~, at any indentation) one line at a time."""

    def __init__(self) -> None:
        self.open_run: str | None = None  # the opening fence, e.g. "````"
        self.open_line = 0  # the line number of the opening fence, while one is open

    def is_code(self, content: str, number: int = 0) -> bool:
        """Reads one line; True when it is a fence or lies inside a fenced block."""
        stripped = content.lstrip(_LEADING).rstrip(_BLANK)
        if self.open_run is None:
            self.open_run = _opening_fence(stripped)
            self.open_line = number
            return self.open_run is not None
        if closes_fence(stripped, self.open_run):
            self.open_run = None
        return True


class LineInFences(NamedTuple):
    """A line and the code fence it sits in, for placing markers around lines."""

    number: int  # 1-based
    start: int
    end: int  # just past its line ending
    content: str
    fence: str | None  # the run of the fence the line is inside, None outside fences
    fence_line: int  # the line of that fence's opening, 0 outside fences
    edge: Literal["open", "close"] | None  # the line opens or closes a fence


def lines_in_fences(text: str) -> tuple[LineInFences, ...]:
    """Every line of ``text`` with the fence it is inside, if any."""
    fences = _Fences()
    found = []
    for line in _iter_lines(text):
        opening, opening_line = fences.open_run, fences.open_line
        is_code = fences.is_code(line.content, line.number)
        inside = opening is not None and fences.open_run is not None
        edge: Literal["open", "close"] | None = None
        if is_code and not inside:
            edge = "open" if opening is None else "close"
        fence, fence_line = (opening, opening_line) if inside else (None, 0)
        found.append(
            LineInFences(line.number, line.start, line.end, line.content, fence, fence_line, edge)
        )
    return tuple(found)


def closes_fence(stripped: str, run: str) -> bool:
    """Whether a line (without indentation or trailing blanks) closes the fence ``run`` opened."""
    return len(stripped) >= len(run) and stripped == run[0] * len(stripped)


def _opening_fence(stripped: str) -> str | None:
    match = _pattern(_FENCE).fullmatch(stripped)
    if match is None or (match["run"][0] == "`" and "`" in match["info"]):
        return None  # CommonMark: a backtick fence's info string holds no backtick
    return match["run"]


class _Candidate(NamedTuple):
    """A line that claims to be a marker, and the fence it sits in (None outside fences)."""

    line: _Line
    style: MarkerStyle
    fence: str | None
    fence_line: int  # the line of the fence's opening, 0 outside fences


class _Typo(NamedTuple):
    """A comment that looks like a misspelt marker."""

    line: _Line
    words: str  # as written, e.g. "routcfg:begin"
    column: int  # 1-based, of the words
    kind: str  # the kind it surely means
    style: MarkerStyle


class _Scan(NamedTuple):
    markers: list[_Candidate]
    typos: list[_Typo]
    fence_left_open: bool


def _scan(text: str) -> _Scan:
    """Marker lines (HTML outside fences, the fence form inside), lines that look like misspelt
    markers, and whether a fence is left open."""
    fences = _Fences()
    found: list[_Candidate] = []
    typos: list[_Typo] = []

    def typo(comment: re.Match[str] | None, style: MarkerStyle) -> None:
        misspelt = _misspelt_kind(comment["words"]) if comment else None
        if comment and misspelt:
            column = len(line.content) - len(content) + comment.start("words") + 1
            typos.append(_Typo(line, misspelt[0], column, misspelt[1], style))

    number, counted = 1, 0  # the line number of offset ``counted``
    for start, first in _lines_that_may_matter(text):
        run = fences.open_run
        if run is None:
            if first in "#/":
                continue  # outside fences, a line comment is ordinary text
            end = _line_end(text, start)
        elif first != run[0]:
            if first not in "#/":
                continue  # inside a fence: neither its closing nor a line comment
            end = _line_end(text, start)
            lowered = text[start:end].lower()
            if "rout" not in lowered and "cf" not in lowered:
                continue  # no marker, and nothing _misspelt_kind would read as one
        else:
            end = _line_end(text, start)
        number += text.count("\n", counted, start)
        counted = start
        raw = text[start:end]
        line = _Line(number, start, raw.removesuffix("\n").removesuffix("\r"), end)
        opening = fences.open_run
        is_code = fences.is_code(line.content, line.number)
        content = line.content.lstrip(_LEADING)
        if not is_code:
            if _pattern(_MARKER_PREFIX).match(content):
                found.append(_Candidate(line, "html", None, 0))
            else:
                typo(_pattern(_HTML_COMMENT).match(content), "html")
            continue
        if opening is None or fences.open_run is None:
            continue  # the fence lines themselves
        fenced = _pattern(_FENCED_PREFIX).match(content)
        leader = _pattern(_LINE_COMMENT).match(content)
        style: MarkerStyle = "//" if leader and leader["leader"] == "//" else "#"
        if fenced:
            found.append(_Candidate(line, style, opening, fences.open_line))
        else:
            typo(leader, style)
    return _Scan(found, typos, fences.open_run is not None)


def _lines_that_may_matter(text: str) -> Iterator[tuple[int, str]]:
    """Where each line that may matter to the scan starts, and its first character after
    _LEADING (one of ``<`~#/``)."""
    leading = _MAY_MATTER_BOM if "\ufeff" in text else _MAY_MATTER
    # After a "\n" put before the first line, each match starts where its line does in ``text``.
    for match in _pattern(leading).finditer("\n" + text):
        yield match.start(), text[match.end() - 2]


def _line_end(text: str, start: int) -> int:
    """Just past the line ending of the line starting at ``start``."""
    newline = text.find("\n", start)
    return len(text) if newline < 0 else newline + 1


def _scan_marker_lines(text: str) -> tuple[list[_Line], bool]:
    """Lines that claim to be markers, and whether a fence is left open."""
    scan = _scan(text)
    return [c.line for c in scan.markers], scan.fence_left_open


def _misspelt_kind(words: str) -> tuple[str, str] | None:
    """The marker kind meant by ``routcfg:begin``, ``routecfg-begin`` or ``routecfg begin``;
    None for an ordinary comment.

    Precision first: the first word must be close to ``routecfg`` and the kind close to a
    marker kind, so an ordinary comment never qualifies."""
    first, _, rest = words.partition(" ")
    lowered = first.lower()
    if "cf" not in lowered and not lowered.startswith("rout"):
        return None  # cheap test first: most comments are nothing like a marker
    split = _pattern(_SPLIT_WORD).fullmatch(first)
    assert split is not None  # every string matches
    prefix, separator = split["prefix"], split["separator"]
    kind, shown = (split["kind"], first) if separator else (rest.strip(), words)
    if prefix.lower() == "routecfg" and separator == ":":
        return None  # the parser reads it, and names a misspelt kind itself
    import difflib  # a comment that looks like a marker: rare, and not worth an import per run

    if difflib.SequenceMatcher(None, prefix.lower(), "routecfg").ratio() < 0.85:
        return None
    meant = _closest_kind(kind.lower().removesuffix("--"))
    return (shown.removesuffix("--"), meant) if meant else None


def _closest_kind(kind: str) -> str | None:
    import difflib

    matches = difflib.get_close_matches(kind, [*KINDS, *NOT_MARKERS], n=1, cutoff=0.6)
    return matches[0] if matches else None


def _misspelt_marker(path: str, typo: _Typo) -> Diagnostic:
    example = (
        f"'<!-- routecfg:{typo.kind} NAME -->'"
        if typo.style == "html"
        else f"'{typo.style} routecfg:{typo.kind} NAME'"
    )
    message = f"'{typo.words}' looks like a misspelt routecfg marker"
    hint = f"did you mean 'routecfg:{typo.kind}'? a marker reads {example}"
    return _error(path, typo.line.number, typo.column, "RC407", message, hint)


# --- one marker line ---------------------------------------------------------------------------


@record
class _Marker:
    kind: MarkerKind
    name: str
    params: Params
    digest: str | None
    line: _Line
    column: int  # 1-based column of "<!--" (or of the leader)
    comment: str  # from "<!--" to "-->" as written (or from the leader to the line's end)
    style: MarkerStyle = "html"
    fence: str | None = None
    fence_line: int = 0
    # A misspelt kind (``routecfg:begn``), already reported: it pairs with its partner, and
    # nothing more is said about it (a lone one is not also "never closed").
    stand_in: bool = False

    @property
    def label(self) -> str:
        return _label(self.name, self.params)


class _MarkerParser:
    """Reads one marker line, noting each RC406 problem at the column of the offending text."""

    def __init__(self, path: str, candidate: _Candidate) -> None:
        self.path = path
        self.candidate = candidate
        self.line = candidate.line
        self.style = candidate.style
        self.problems: list[Diagnostic] = []
        self.stand_in = False  # a misspelt kind read as the kind it surely means

    def parse(self) -> tuple[_Marker | None, list[Diagnostic]]:
        """The marker, or None when it is too broken to pair with another (or not a block
        marker at all: ``routecfg:ignore``); and its problems."""
        content = self.line.content
        start = len(content) - len(content.lstrip(_LEADING))
        if self.style == "html":
            opening = 4
            inner_end, comment_end = self._comment_bounds(start)
        else:
            opening = len(self.style)
            inner_end = comment_end = len(content.rstrip(_BLANK))
        tokens = [
            (m.group(), m.start())
            for m in _pattern(_TOKEN).finditer(content, start + opening, inner_end)
        ]
        if tokens[0][0].removeprefix("routecfg:") in NOT_MARKERS:
            return None, []
        kind = self._kind(*tokens[0])
        if kind is None:
            return None, self.problems
        if len(tokens) < 2:
            hint = f"write {_example(kind, 'NAME', self.style)} with the block's name"
            self._problem(inner_end, f"{kind} marker has no block name", hint)
            return None, self.problems
        name, name_offset = tokens[1]
        if not _pattern(_NAME).fullmatch(name):
            self._problem(
                name_offset, f"invalid block name '{name}'", f"{_NAME_HINT}, e.g. 'prices'"
            )
        params, digest = self._attributes(kind, name, tokens[2:])
        comment = content[start:comment_end]
        fence, fence_line = self.candidate.fence, self.candidate.fence_line
        marker = _Marker(
            kind,
            name,
            params,
            digest,
            self.line,
            start + 1,
            comment,
            self.style,
            fence,
            fence_line,
            self.stand_in,
        )
        return marker, self.problems

    def _problem(self, offset: int, message: str, hint: str) -> None:
        line = self.line.number
        self.problems.append(_error(self.path, line, offset + 1, "RC406", message, hint))

    def _comment_bounds(self, start: int) -> tuple[int, int]:
        """Where the comment's text ends and where "-->" ends; reports a missing "-->" and
        text after it."""
        content = self.line.content
        close = content.find("-->", start + 4)
        if close < 0:
            end = len(content.rstrip(_BLANK))
            self._problem(end, "marker has no closing '-->'", "end the comment on the same line")
            return end, end
        after = close + 3
        trailing = content[after:].lstrip(_BLANK)
        if trailing:
            self._problem(
                len(content) - len(trailing),
                f"text after the marker's '-->': '{trailing.rstrip(_BLANK)}'",
                "a marker must be alone on its line; move the text to a line of its own",
            )
        return close, after

    def _kind(self, token: str, offset: int) -> MarkerKind | None:
        kind = token.removeprefix("routecfg:")
        if kind == "begin":
            return "begin"
        if kind == "end":
            return "end"
        meant = _closest_kind(kind)
        hint = (
            f"did you mean 'routecfg:{meant}'?"
            if meant in KINDS
            else "write 'routecfg:begin NAME' or 'routecfg:end NAME'"
        )
        self._problem(offset, f"unknown marker kind 'routecfg:{kind}'", hint)
        if meant not in ("begin", "end"):
            return None
        # Read on as the marker it surely means, so that its partner pairs with it: one typo,
        # one diagnostic (not also "end marker has no open block" on its partner).
        self.stand_in = True
        return "begin" if meant == "begin" else "end"

    def _attributes(
        self, kind: MarkerKind, name: str, tokens: list[tuple[str, int]]
    ) -> tuple[Params, str | None]:
        """The parameters in order and the digest, reporting any attribute that does not parse."""
        if kind == "end":
            if tokens:
                hint = f"write {_example(kind, name, self.style)}"
                self._problem(tokens[0][1], f"end marker '{name}' takes no attributes", hint)
            return (), None
        params: list[tuple[str, str]] = []
        digest: str | None = None
        seen: set[str] = set()
        for token, offset in tokens:
            match = _pattern(_ATTRIBUTE).fullmatch(token)
            if match is None:
                self._invalid_attribute(token.rstrip(_BLANK), name, offset)
                continue
            key, value = match["key"], _attribute_value(match)
            if key in seen:
                message = f"attribute '{key}' appears twice in begin marker '{name}'"
                self._problem(offset, message, "keep one of them")
            elif key == "digest":
                digest = self._digest(value, name, offset)
            else:
                params.append((key, value))
            seen.add(key)
        return tuple(params), digest

    def _invalid_attribute(self, token: str, name: str, offset: int) -> None:
        if token.count('"') % 2:
            message = f"attribute '{token}' in begin marker '{name}' has no closing quote"
            self._problem(offset, message, 'close the quote: key="a value"')
        else:
            message = f"invalid attribute '{token}' in begin marker '{name}'"
            self._problem(offset, message, _ATTRIBUTE_HINT)

    def _digest(self, value: str, name: str, offset: int) -> str | None:
        if _pattern(_DIGEST).fullmatch(value):
            return value
        hint = "routecfg writes digest=sha256:<12 hex digits>; delete it and run `routecfg build`"
        self._problem(offset, f"invalid digest '{value}' in begin marker '{name}'", hint)
        return None


def _attribute_value(match: re.Match[str]) -> str:
    bare: str | None = match["bare"]
    return bare if bare is not None else match["quoted"]


# --- pairing, duplicates -----------------------------------------------------------------------


def _pair_markers(
    markers: Iterable[_Marker], path: str
) -> tuple[list[tuple[_Marker, _Marker]], list[Diagnostic]]:
    """Begin/end pairs, matched on a stack so that one mistake yields one diagnostic."""
    pairs: list[tuple[_Marker, _Marker]] = []
    problems: list[Diagnostic] = []
    open_blocks: list[_Marker] = []
    for marker in markers:
        if marker.kind == "begin":
            if open_blocks:
                problems.append(_nested(path, marker, open_blocks[-1]))
            open_blocks.append(marker)
        elif not open_blocks:
            problems.append(_unopened(path, marker))
        elif all(begin.name != marker.name for begin in open_blocks):
            problems.append(_mismatched(path, marker, open_blocks.pop()))  # a misspelt end
        else:
            while open_blocks[-1].name != marker.name:
                open_blocks.pop()  # already reported as nested in the block this end closes
            begin = open_blocks.pop()
            if begin.fence_line != marker.fence_line:
                problems.append(_across_fence(path, begin, marker))
            else:
                pairs.append((begin, marker))
    problems.extend(_unclosed(path, begin) for begin in open_blocks)
    return pairs, problems


def _unopened(path: str, end: _Marker) -> Diagnostic:
    message = f"end marker '{end.name}' on line {end.line.number} has no open block"
    hint = f"add {_example('begin', end.name, end.style)} above it, or delete it"
    return _error(path, end.line.number, end.column, "RC401", message, hint)


def _unclosed(path: str, begin: _Marker) -> Diagnostic:
    message = f"begin marker '{begin.name}' on line {begin.line.number} is never closed"
    hint = f"add {_example('end', begin.name, begin.style)} on its own line after the block's body"
    return _error(path, begin.line.number, begin.column, "RC402", message, hint)


def _nested(path: str, begin: _Marker, outer: _Marker) -> Diagnostic:
    message = (
        f"begin marker '{begin.name}' on line {begin.line.number} is inside block "
        f"'{outer.name}' opened on line {outer.line.number}"
    )
    closing = _example("end", outer.name, outer.style)
    hint = f"blocks cannot nest: close '{outer.name}' with {closing} first"
    return _error(path, begin.line.number, begin.column, "RC403", message, hint)


def _mismatched(path: str, end: _Marker, begin: _Marker) -> Diagnostic:
    message = (
        f"end marker '{end.name}' on line {end.line.number} does not match "
        f"begin marker '{begin.name}' on line {begin.line.number}"
    )
    hint = (
        f"an end marker repeats its begin marker's name: {_example('end', begin.name, begin.style)}"
    )
    return _error(path, end.line.number, end.column, "RC404", message, hint)


def _across_fence(path: str, begin: _Marker, end: _Marker) -> Diagnostic:
    def where(marker: _Marker) -> str:
        if marker.fence_line:
            return f"inside the code fence opened on line {marker.fence_line}"
        return "outside code fences"

    message = (
        f"block '{begin.name}' begins on line {begin.line.number} {where(begin)} "
        f"but ends on line {end.line.number} {where(end)}"
    )
    hint = (
        "both markers of a block sit in the same place: inside one fence (written "
        f"{_example('begin', begin.name, '#')}), or outside fences (written "
        f"{_example('begin', begin.name)})"
    )
    return _error(path, end.line.number, end.column, "RC408", message, hint)


def _duplicate_blocks(begins: Iterable[_Marker], path: str) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    first_by_key: dict[BlockKey, _Marker] = {}
    for begin in begins:
        first = first_by_key.setdefault(block_key(begin.name, begin.params), begin)
        if first is not begin:
            message = (
                f"block '{begin.label}' on line {begin.line.number} repeats "
                f"the block on line {first.line.number}"
            )
            hint = "delete one of them, or give them different parameters"
            problems.append(_error(path, begin.line.number, begin.column, "RC405", message, hint))
    return problems


def _make_block(text: str, begin: _Marker, end: _Marker) -> Block:
    body_start, body_end = begin.line.end, end.line.start
    return Block(
        name=begin.name,
        params=begin.params,
        digest=begin.digest,
        begin_line=begin.line.number,
        end_line=end.line.number,
        body=text[body_start:body_end],
        body_start=body_start,
        body_end=body_end,
        begin_marker=begin.comment,
        begin_marker_start=begin.line.start + begin.column - 1,
        style=begin.style,
        fence=begin.fence,
    )


# --- replacing ---------------------------------------------------------------------------------


def _check_block_is_in(text: str, block: Block) -> None:
    marker_end = block.begin_marker_start + len(block.begin_marker)
    in_place = (
        text[block.begin_marker_start : marker_end] == block.begin_marker
        and text[block.body_start : block.body_end] == block.body
    )
    if not in_place:
        raise ValueError(f"block '{block.name}' on line {block.begin_line} is not in this text")


def _new_marker_and_body(text: str, block: Block, new_body: str) -> tuple[str, str]:
    body = new_body.replace("\r\n", "\n")
    if body and not body.endswith("\n"):
        body += "\n"  # keeps the end marker on its own line
    problem = (
        _body_problem(body) if block.fence is None else _fenced_body_problem(body, block.fence)
    )
    if problem is not None:
        raise ValueError(f"the new body of block '{block.name}' {problem}")
    digest = body_digest(body)
    if text[block.body_start - 2 : block.body_start] == "\r\n":
        body = body.replace("\n", "\r\n")
    if digest == block.digest:
        return block.begin_marker, body
    return format_begin_marker(block.name, block.params, digest, block.style), body


def _fenced_body_problem(body: str, fence: str) -> str | None:
    """Why a body would break the fenced block around it: a line that closes the fence, or a
    fence-form marker."""
    for line in _iter_lines(body):
        stripped = line.content.lstrip(_LEADING).rstrip(_BLANK)
        if closes_fence(stripped, fence):
            return f"closes the code fence it sits in on its line {line.number}"
        if _pattern(_FENCED_PREFIX).match(stripped):
            return f"holds a routecfg marker on its line {line.number}"
    return None


def _body_problem(body: str) -> str | None:
    """Why a body would break the block around it once written, or None."""
    marker_lines, fence_left_open = _scan_marker_lines(body)
    if marker_lines:
        return f"holds a routecfg marker on its line {marker_lines[0].number}"
    if fence_left_open:
        return "leaves a code fence open, which would hide the end marker"
    return None


def format_begin_marker(
    name: str, params: Params, digest: str | None, style: MarkerStyle = "html"
) -> str:
    """A begin marker as routecfg writes it, with the digest when one is given."""
    label = _label(name, (*params, ("digest", digest)) if digest else params)
    if style == "html":
        return f"<!-- routecfg:begin {label} -->"
    return f"{style} routecfg:begin {label}"


def format_end_marker(name: str, style: MarkerStyle = "html") -> str:
    return f"<!-- routecfg:end {name} -->" if style == "html" else f"{style} routecfg:end {name}"


def _label(name: str, params: Params) -> str:
    """The name and parameters as a marker writes them: ``gate-model gate="a b"``."""
    return " ".join([name, *(f"{key}={_format_value(value)}" for key, value in params)])


def _format_value(value: str) -> str:
    return value if _pattern(_BARE_VALUE).fullmatch(value) else f'"{value}"'


def _example(kind: MarkerKind, name: str, style: MarkerStyle = "html") -> str:
    if style == "html":
        return f"'<!-- routecfg:{kind} {name} -->'"
    return f"'{style} routecfg:{kind} {name}'"


def _error(path: str, line: int, column: int, code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(path, line, column, Severity.ERROR, code, message, hint)
