"""Placing a generated block in Markdown: a marker pair around given lines or a heading's section.

`routecfg blocks add` uses this so nobody hand-writes markers. The marker form follows where the
lines are: HTML comments outside code fences, the fence form (``# routecfg:begin NAME``) inside
one. Text in, text out: the caller renders the body and writes through the build path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from routecfg.diagnostics import Diagnostic, RoutecfgError, Severity, did_you_mean
from routecfg.targets import markers
from routecfg.targets.markers import BlockKey, LineInFences, MarkerStyle, Params, block_key

OUTSIDE_TARGETS = "RC413"
ACROSS_FENCE = "RC414"
OVERLAPS_BLOCK = "RC415"
NO_HEADING = "RC416"
ALREADY_THERE = "RC417"
BAD_LINES = "RC418"
NO_FILE = "RC419"

MAX_LISTED = 8
_HEADING = re.compile(r" {0,3}(?P<level>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*")


@dataclass(frozen=True)
class Placed:
    """The text with the new marker pair (the old lines still their body), and its key."""

    text: str
    key: BlockKey
    begin_line: int  # where the begin marker now is


def place_lines(text: str, path: str, name: str, params: Params, first: int, last: int) -> Placed:
    """Markers around lines ``first``..``last`` (1-based, inclusive)."""
    lines = markers.lines_in_fences(text)
    if not 1 <= first <= last <= len(lines):
        message = f"lines {first}:{last} are not in the file, which has {len(lines)} lines"
        raise _error(path, 0, BAD_LINES, message, "give FIRST:LAST with 1 <= FIRST <= LAST")
    return _place(text, path, name, params, lines, first, last)


def place_heading(text: str, path: str, name: str, params: Params, heading: str) -> Placed:
    """Markers around the section under ``heading`` (to the next heading of its level or
    above), blank lines at its ends left outside; an empty section gets an empty block."""
    lines = markers.lines_in_fences(text)
    headings = [(line, *parts) for line in lines if (parts := _heading(line)) is not None]
    wanted = heading.strip().lstrip("#").strip().casefold()
    found = [h for h in headings if h[2].casefold() == wanted]
    if len(found) != 1:
        titles = [title for _, _, title in headings]
        if found:
            where = ", ".join(str(line.number) for line, _, _ in found)
            message = f"heading '{heading}' appears {len(found)} times (lines {where})"
            raise _error(path, found[1][0].number, NO_HEADING, message, "use --lines FIRST:LAST")
        folded = {title.casefold(): title for title in titles}
        meant = did_you_mean(wanted, folded)
        if meant is not None:
            hint = f"did you mean '{folded[meant]}'?"
        else:
            listed = ", ".join(titles[:MAX_LISTED]) or "none"
            more = f", … ({len(titles)} in all)" if len(titles) > MAX_LISTED else ""
            hint = f"the file's headings: {listed}{more}"
        raise _error(path, 0, NO_HEADING, f"no heading '{heading}' in the file", hint)
    line, level, _ = found[0]
    following = (h for h in headings if h[0].number > line.number and h[1] <= level)
    stop = next((h[0].number for h in following), len(lines) + 1)
    body = [n for n in range(line.number + 1, stop) if lines[n - 1].content.strip()]
    if not body:
        _refuse_overlaps(text, path, block_key(name, params), line.number, line.number)
        return _insert_empty(text, name, params, line)
    return _place(text, path, name, params, lines, body[0], body[-1])


def _heading(line: LineInFences) -> tuple[int, str] | None:
    if line.fence is not None or line.edge is not None:
        return None
    match = _HEADING.fullmatch(line.content)
    if match is None:
        return None
    return len(match["level"]), (match["text"] or "").strip()


def _place(
    text: str,
    path: str,
    name: str,
    params: Params,
    lines: Sequence[LineInFences],
    first: int,
    last: int,
) -> Placed:
    start, end = lines[first - 1], lines[last - 1]
    key = block_key(name, params)
    _refuse_overlaps(text, path, key, first, last)
    _refuse_across_fences(path, start, end, lines)
    style: MarkerStyle = "html" if start.fence is None else _leader(lines, start)
    indent = _indent(start.content) if start.fence is not None else ""
    newline = "\r\n" if text[start.start : start.end].endswith("\r\n") else "\n"
    begin = indent + markers.format_begin_marker(name, params, None, style) + newline
    end_marker = indent + markers.format_end_marker(name, style) + newline
    after = text[end.start : end.end]
    if not after.endswith("\n"):  # the last line of a file without a final newline
        after += newline
    new_text = text[: start.start] + begin + text[start.start : end.start] + after
    new_text += end_marker + text[end.end :]
    return Placed(new_text, key, first)


def _insert_empty(text: str, name: str, params: Params, heading: LineInFences) -> Placed:
    newline = "\r\n" if text[heading.start : heading.end].endswith("\r\n") else "\n"
    before = text[: heading.end] if text[: heading.end].endswith("\n") else text + newline
    pair = (
        newline
        + markers.format_begin_marker(name, params, None)
        + newline
        + markers.format_end_marker(name)
        + newline
    )
    rest = text[heading.end :]
    if rest and rest.strip("\r\n") and not rest.startswith(("\n", "\r\n")):
        pair += newline
    return Placed(before + pair + rest, block_key(name, params), heading.number + 2)


def _refuse_across_fences(
    path: str, start: LineInFences, end: LineInFences, lines: Sequence[LineInFences]
) -> None:
    """The lines lie in one fence (its ``` lines excluded), or outside fences with every fence
    among them whole."""
    inside = lines[start.number - 1 : end.number]
    if start.fence is not None:
        whole = end.fence_line == start.fence_line and all(line.edge is None for line in inside)
    else:
        depth = 0
        for line in inside:
            depth += {"open": 1, "close": -1, None: 0}[line.edge]
            if depth < 0:
                break
        whole = depth == 0 and end.fence is None
    if not whole:
        message = (
            f"lines {start.number}:{end.number} cross the edge of a code fence: a block sits "
            "wholly inside one fence or outside fences"
        )
        hint = "take the lines inside the fence only, or the whole fence with its ``` lines"
        raise _error(path, start.number, ACROSS_FENCE, message, hint)


def _refuse_overlaps(text: str, path: str, key: BlockKey, first: int, last: int) -> None:
    for block in markers.find_blocks(text, path):
        if block.key == key:
            message = f"the file already has block '{key.name}' (line {block.begin_line})"
            hint = "`routecfg build` keeps it up to date; place a block once"
            raise _error(path, block.begin_line, ALREADY_THERE, message, hint)
        if block.begin_line <= last and first <= block.end_line:
            message = (
                f"lines {first}:{last} overlap block '{block.name}' "
                f"(lines {block.begin_line}:{block.end_line})"
            )
            raise _error(path, first, OVERLAPS_BLOCK, message, "blocks cannot nest or overlap")


def _leader(lines: Sequence[LineInFences], line: LineInFences) -> MarkerStyle:
    """``//`` in a fence whose info string names a C-like language, else ``#``."""
    opening = lines[line.fence_line - 1].content.strip().lstrip("`~").strip().lower()
    slash = ("js", "javascript", "ts", "typescript", "c", "cpp", "java", "go", "rust", "json5")
    return "//" if opening.split(" ")[0] in slash else "#"


def _indent(content: str) -> str:
    return content[: len(content) - len(content.lstrip(" \t"))]


def _error(path: str, line: int, code: str, message: str, hint: str) -> RoutecfgError:
    diagnostic = Diagnostic(path, line, 1 if line else 0, Severity.ERROR, code, message, hint)
    return RoutecfgError([diagnostic])
