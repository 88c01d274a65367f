"""Records behave as the frozen dataclasses they replace: construction, repr, equality, hash,
immutability, and dataclasses' own functions."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from decimal import Decimal
from types import MappingProxyType

import pytest

from routecfg.frozen import FrozenInstanceError, field, field_names, record, replace
from routecfg.model import Price, Tier


@record
class Point:
    """A record with every kind of field."""

    x: int
    label: str = "origin"
    tags: list[str] = field(default_factory=list)
    note: str = field(default="", repr=False, compare=False)


@dataclasses.dataclass(frozen=True)
class DataPoint:
    """The same fields as a dataclass, to compare with."""

    x: int
    label: str = "origin"
    tags: list[str] = dataclasses.field(default_factory=list)
    note: str = dataclasses.field(default="", repr=False, compare=False)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((1,), {}),
        ((1, "a"), {}),
        ((1, "a", ["t"], "n"), {}),
        ((), {"x": 2, "note": "n"}),
        ((3,), {"tags": ["u", "v"], "label": "b"}),
    ],
)
def test_a_record_is_built_shown_and_compared_as_a_dataclass(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    ours, theirs = Point(*args, **kwargs), DataPoint(*args, **kwargs)  # type: ignore[arg-type]
    assert repr(ours) == repr(theirs).replace("DataPoint", "Point")
    assert dataclasses.asdict(ours) == dataclasses.asdict(theirs)
    assert ours.__match_args__ == theirs.__match_args__ == ("x", "label", "tags", "note")


def test_equality_and_hash_use_the_compared_fields_only() -> None:
    assert Point(1, note="a") == Point(1, note="b")
    assert Point(1) != Point(2)
    assert Point(1) != DataPoint(1)  # type: ignore[comparison-overlap]  # never equal
    assert Point(1).__eq__(DataPoint(1)) is NotImplemented
    frozen_tags = Price(Decimal(1), Decimal(2))
    assert hash(frozen_tags) == hash(Price(Decimal("1.0"), Decimal(2)))
    assert {frozen_tags: 1}[Price(Decimal(1), Decimal(2))] == 1
    with pytest.raises(TypeError, match="unhashable type: 'list'"):
        hash(Point(1))  # as a dataclass: the list field is hashed


def test_a_factory_gives_each_record_its_own_value() -> None:
    first, second = Point(1), Point(2)
    first.tags.append("mine")
    assert second.tags == []


def test_a_record_is_frozen() -> None:
    point = Point(1)
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'x'"):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError, match="cannot delete field 'x'"):
        del point.x
    assert isinstance(FrozenInstanceError("x"), AttributeError)


def test_wrong_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match=r"Point\(\) missing argument: 'x'"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values for argument 'x'"):
        Point(1, x=2)  # type: ignore[misc]
    with pytest.raises(TypeError, match="unexpected keyword argument 'y'"):
        Point(1, y=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="takes 4 arguments but 5 were given"):
        Point(1, "a", [], "n", 5)  # type: ignore[call-arg]


def test_replace_and_dataclasses_functions() -> None:
    point = Point(1, "a", ["t"], "n")
    assert replace(point, x=5) == Point(5, "a", ["t"], "n")
    assert replace(point, x=5).note == "n"
    assert dataclasses.replace(point, label="b") == Point(1, "b", ["t"])
    assert dataclasses.is_dataclass(Point)
    assert dataclasses.is_dataclass(point)
    assert [(f.name, f.repr, f.compare) for f in dataclasses.fields(Point)] == [
        ("x", True, True),
        ("label", True, True),
        ("tags", True, True),
        ("note", False, False),
    ]
    tier = Tier("cheap", "m", ("text",), Price(Decimal(1), Decimal(5)))
    assert tier.params == MappingProxyType({})
    assert dataclasses.replace(tier, name="other").name == "other"


def test_identity_records() -> None:
    @record(eq=False)
    class Token:
        text: str

    one = Token("a")
    assert one == one
    assert one != Token("a")
    assert hash(one) == object.__hash__(one)
    assert repr(one) == "test_identity_records.<locals>.Token(text='a')"


def test_declarations_dataclasses_would_refuse_are_refused() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        @record
        class Bad:
            a: int = 0
            b: int  # type: ignore[misc]

    with pytest.raises(ValueError, match="both default and default_factory"):
        field(default=1, default_factory=list)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="cannot overwrite attribute __setattr__"):

        @record
        class Settable:
            a: int

            def __setattr__(self, name: str, value: object) -> None: ...


def test_defining_records_imports_no_dataclasses() -> None:
    """What makes a record cheap: no exec per method, and dataclasses (which imports inspect)
    only for code that asks for it."""
    probe = (
        "import sys\n"
        "from routecfg import model\n"
        "print(sorted(m for m in ('dataclasses', 'inspect') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_field_names_lists_what_dataclasses_fields_lists() -> None:
    price = Price(Decimal("1"), Decimal("5"))
    assert field_names(price) == tuple(f.name for f in dataclasses.fields(price))
    assert field_names(price) == ("input", "output", "cache_read", "cache_write")
