"""PyYAML's C parser, imported with NON_PRINTABLE's pattern taken from re's cache."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from routecfg import libyaml

EVERY_CODE_POINT = "".join(map(chr, range(sys.maxunicode + 1)))


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


def test_the_listed_pattern_matches_exactly_the_code_points_pyyaml_calls_non_printable() -> None:
    # re.UNICODE is a str pattern's default: the same pattern, under another cache key, so
    # this compiles the original even where the listed one stands in the cache for it.
    original = re.compile(libyaml.NON_PRINTABLE, re.UNICODE)
    listed = re.compile(libyaml.NON_PRINTABLE_LISTED)
    assert original.pattern == libyaml.NON_PRINTABLE
    found = [m.span() for m in original.finditer(EVERY_CODE_POINT)]
    assert [m.span() for m in listed.finditer(EVERY_CODE_POINT)] == found
    assert len(found) == 0x20 - 3 + 0x21 - 1 + 0x800 + 2
    assert listed.groups == original.groups == 0
    assert listed.flags == original.flags


def test_the_pattern_text_is_pyyamls_and_ruamels() -> None:
    # In a fresh interpreter, without routecfg: the texts the two readers compile.
    code = (
        "import yaml.reader, ruamel.yaml.reader; "
        "print(repr(yaml.reader.Reader.NON_PRINTABLE.pattern)); "
        "print(repr(ruamel.yaml.reader.Reader.NON_PRINTABLE.pattern))"
    )
    assert _python(code).splitlines() == [repr(libyaml.NON_PRINTABLE)] * 2


def test_pyyaml_imported_by_parser_holds_the_listed_pattern() -> None:
    code = (
        "import re; from routecfg import libyaml; parser = libyaml.parser(); "
        "import yaml.reader, yaml._yaml; "
        "print(parser is yaml._yaml.CParser, "
        "yaml.reader.Reader.NON_PRINTABLE.pattern == libyaml.NON_PRINTABLE_LISTED, "
        "re.compile(libyaml.NON_PRINTABLE) is yaml.reader.Reader.NON_PRINTABLE)"
    )
    assert _python(code) == "True True True"


def test_a_cache_re_does_not_look_in_is_left_as_re_leaves_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Elsewhere(dict[object, object]):  # a cache laid out otherwise: no lookup finds a key
        def __getitem__(self, key: object) -> object:
            raise KeyError(key)

    monkeypatch.setattr(re, "_cache", Elsewhere())
    monkeypatch.delitem(sys.modules, "yaml.reader", raising=False)
    assert libyaml._seed_non_printable() is None
    compiled = dict.get(getattr(re, "_cache"), libyaml._KEY)  # noqa: B009
    assert isinstance(compiled, re.Pattern)
    assert compiled.pattern == libyaml.NON_PRINTABLE  # re's own, not the listed one


def test_pyyamls_pure_reader_reports_a_non_printable_character_as_before() -> None:
    import yaml
    from yaml.reader import ReaderError

    libyaml.parser()
    for text, position in (("a: b\x07\n", 4), ("a: \ud800\n", 3), ("k: \ufffe", 3)):
        with pytest.raises(ReaderError) as caught:
            yaml.load(text, Loader=yaml.SafeLoader)
        assert caught.value.position == position
