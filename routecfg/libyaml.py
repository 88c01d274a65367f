"""PyYAML's C parser (libyaml's events), the fast reader of routecfg.yaml and proxy configs.

``from yaml._yaml import CParser`` imports all of PyYAML (``yaml/__init__.py`` imports every
submodule, and the C module refers to their classes). Of that import, about 6 ms in a cold
check is one regular expression: ``yaml/reader.py`` compiles, when it is imported, a negated
class of every printable code point, ``NON_PRINTABLE``, and :mod:`re` fills a 64K-entry table
from it one code point at a time in Python. routecfg never uses that pattern (libyaml reads the
text), but a module's import cannot be cut short.

So, before PyYAML is first imported, :func:`parser` puts into :mod:`re`'s cache, under that
exact pattern text, a pattern that matches exactly the same code points, written as the list of
those that are not printable: it compiles in a twentieth of the time, and ``yaml.reader`` (or
``ruamel.yaml.reader``, whose pattern text is the same) gets it from the cache. Only the
pattern's ``.pattern`` text differs; every match, search and position is the same
(tests/test_libyaml.py compares the two on every code point). The cache is private to
:mod:`re`: its layout is checked first (a dict keyed by the pattern's type, text and flags, as in
3.11 to 3.13), and the seeded pattern is kept only when ``re.compile`` hands it back for that
text; otherwise :mod:`re` compiles the original, as without this module.
"""

from __future__ import annotations

import functools
import re
import sys
from typing import Any

# yaml/reader.py's Reader.NON_PRINTABLE (and ruamel.yaml.reader's), character for character.
NON_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
# The code points that class matches, listed: C0 controls but tab, LF and CR; DEL and the C1
# controls but NEL; the surrogates; U+FFFE and U+FFFF. Two classes, so that neither needs the
# 64K table: re compiles a class of at most two runs into ranges.
NON_PRINTABLE_LISTED = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]|[\ud800-\udfff]"


@functools.cache
def parser() -> Any:
    """``yaml._yaml.CParser``, or None where PyYAML or its libyaml binding is not installed."""
    seeded = _seed_non_printable()
    try:
        from yaml._yaml import CParser
    except ImportError:
        if seeded is not None:
            _unseed(seeded)
        return None
    return CParser


def _seed_non_printable() -> re.Pattern[str] | None:
    """The cheap pattern, when it now stands in re's cache for NON_PRINTABLE's text."""
    if "yaml.reader" in sys.modules:
        return None  # PyYAML is imported already: nothing to save
    cache = getattr(re, "_cache", None)
    if not isinstance(cache, dict) or _KEY in cache:
        return None
    listed = re.compile(NON_PRINTABLE_LISTED)
    cache[_KEY] = listed
    if re.compile(NON_PRINTABLE) is listed:
        return listed
    _unseed(listed)  # not how this re looks its cache up: leave it as it was
    return None


_KEY = (str, NON_PRINTABLE, 0)  # re._compile's key: the pattern's type, text and flags


def _unseed(listed: re.Pattern[str]) -> None:
    cache = getattr(re, "_cache", None)
    if isinstance(cache, dict) and cache.get(_KEY) is listed:
        del cache[_KEY]
