"""Typed frozen records at a fraction of what ``@dataclass(frozen=True)`` costs to define.

A dataclass compiles six methods per class with ``exec`` (``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__``, ``__delattr__``): about half a millisecond a class, paid at every
start, and the check path defines dozens. :func:`record` gives a class the same behaviour with
methods shared by every record: the same constructor signature (positional or keyword, defaults,
``field(default_factory=...)``), the same ``repr``, equality and hash over the compared fields,
the same refusal to assign (``FrozenInstanceError``), and ``__match_args__``. To the type checker
it *is* a frozen dataclass (``dataclass_transform``); to :mod:`dataclasses` too: ``fields``,
``replace``, ``asdict`` and ``is_dataclass`` work, from field records built on first use (so
importing this module does not import :mod:`dataclasses`).

Not supported (refused, not ignored): slots, ordering, keyword-only fields, ``InitVar`` and
``ClassVar`` annotations. A class that needs them stays a dataclass.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not `from typing import`: this module is imported on every start
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable
    from dataclasses import field as field  # the type checker's view of the field specifier
    from typing import Any, TypeVar, dataclass_transform, overload

    T = TypeVar("T")

_MISSING = object()


class FrozenInstanceError(AttributeError):
    """An assignment to a record's field (a record is frozen), as ``dataclasses`` words it."""


class _Field:
    """What ``field(...)`` declares, until the class is built."""

    __slots__ = ("compare", "default", "default_factory", "repr")

    def __init__(self, default: object, default_factory: object, repr: bool, compare: bool) -> None:
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.compare = compare


if not TYPE_CHECKING:

    def field(
        *,
        default: object = _MISSING,
        default_factory: object = _MISSING,
        repr: bool = True,
        compare: bool = True,
    ) -> Any:
        """A field with a default (or a factory called for each record), optionally left out
        of ``repr`` or of equality and hashing; as :func:`dataclasses.field`."""
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError("cannot specify both default and default_factory")
        return _Field(default, default_factory, repr, compare)


class _Spec:
    """A record class's fields, in order, and how each is filled and shown."""

    __slots__ = (
        "compared",
        "defaults",
        "factories",
        "first_optional",
        "names",
        "post_init",
        "required",
        "shown",
        "tail",
        "types",
    )

    def __init__(self) -> None:
        self.names: tuple[str, ...] = ()
        self.types: dict[str, object] = {}
        self.defaults: dict[str, object] = {}
        self.factories: dict[str, Callable[[], object]] = {}
        self.shown: tuple[str, ...] = ()
        self.compared: tuple[str, ...] = ()
        self.required: frozenset[str] = frozenset()
        self.post_init: Callable[[Any], None] | None = None
        # the index of the first field with a default, and when no field after it needs a
        # factory, their defaults in order: the constructor's fast path for positional calls
        self.first_optional = 0
        self.tail: tuple[object, ...] | None = None


def _spec_of(cls: type) -> _Spec:
    spec = _Spec()
    names: list[str] = []
    shown: list[str] = []
    compared: list[str] = []
    for base in reversed(cls.__mro__[1:]):
        inherited = base.__dict__.get("__record_spec__")
        if isinstance(inherited, _Spec):
            for name in inherited.names:
                if name not in names:
                    names.append(name)
            spec.types.update(inherited.types)
            spec.defaults.update(inherited.defaults)
            spec.factories.update(inherited.factories)
            shown += [n for n in inherited.shown if n not in shown]
            compared += [n for n in inherited.compared if n not in compared]
    # the class's own annotations, as written (inspect.get_annotations would import inspect)
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if text.startswith(("ClassVar", "typing.ClassVar", "InitVar", "dataclasses.InitVar")):
            raise TypeError(f"{cls.__qualname__}.{name}: a record has no ClassVar or InitVar")
        if name not in names:
            names.append(name)
        spec.types[name] = annotation
        spec.defaults.pop(name, None)
        spec.factories.pop(name, None)
        value = cls.__dict__.get(name, _MISSING)
        show = compare = True
        if isinstance(value, _Field):
            show, compare = value.repr, value.compare
            if value.default_factory is not _MISSING:
                spec.factories[name] = value.default_factory  # type: ignore[assignment]
            elif value.default is not _MISSING:
                spec.defaults[name] = value.default
            if value.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, value.default)
        elif value is not _MISSING:
            spec.defaults[name] = value
        for listed, wanted in ((shown, show), (compared, compare)):
            if name in listed and not wanted:
                listed.remove(name)
            elif wanted and name not in listed:
                listed.append(name)
    seen_default = False
    for name in names:
        has_default = name in spec.defaults or name in spec.factories
        if seen_default and not has_default:
            raise TypeError(f"non-default argument '{name}' follows default argument")
        seen_default = seen_default or has_default
    spec.names = tuple(names)
    spec.shown = tuple(n for n in names if n in shown)
    spec.compared = tuple(n for n in names if n in compared)
    spec.required = frozenset(
        n for n in names if n not in spec.defaults and n not in spec.factories
    )
    spec.post_init = getattr(cls, "__post_init__", None)
    spec.first_optional = len(names) - sum(1 for n in names if n not in spec.required)
    optional = names[spec.first_optional :]
    if not any(n in spec.factories for n in optional):
        spec.tail = tuple(spec.defaults[n] for n in optional)
    return spec


def _init(self: Any, *args: object, **kwargs: object) -> None:
    spec: _Spec = self.__record_spec__
    names = spec.names
    state = self.__dict__
    count = len(args)
    if not kwargs and count == len(names):
        state.update(zip(names, args, strict=True))
    elif not kwargs and spec.tail is not None and spec.first_optional <= count < len(names):
        state.update(zip(names, args, strict=False))
        state.update(zip(names[count:], spec.tail[count - spec.first_optional :], strict=True))
    else:
        if len(args) > len(names):
            raise TypeError(
                f"{type(self).__qualname__}() takes {len(names)} arguments but {len(args)} "
                "were given"
            )
        for name, value in zip(names, args, strict=False):  # the rest come by keyword
            if name in kwargs:
                raise TypeError(
                    f"{type(self).__qualname__}() got multiple values for argument '{name}'"
                )
            state[name] = value
        for name in names[len(args) :]:
            if name in kwargs:
                state[name] = kwargs.pop(name)
            elif name in spec.defaults:
                state[name] = spec.defaults[name]
            elif name in spec.factories:
                state[name] = spec.factories[name]()
            else:
                raise TypeError(f"{type(self).__qualname__}() missing argument: '{name}'")
        if kwargs:
            unexpected = next(iter(kwargs))
            raise TypeError(
                f"{type(self).__qualname__}() got an unexpected keyword argument '{unexpected}'"
            )
    if spec.post_init is not None:
        spec.post_init(self)


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_spec__.shown)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:  # bool, or NotImplemented for another class
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = self.__record_spec__.compared
    return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)


def _hash(self: Any) -> int:
    return hash(tuple(getattr(self, n) for n in self.__record_spec__.compared))


def _setattr(self: Any, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


class _DataclassFields:
    """``__dataclass_fields__``, built on first use: :mod:`dataclasses` is imported only by code
    that asks for it (``dataclasses.replace``, ``fields``, ``asdict``, ``is_dataclass``)."""

    def __get__(self, instance: object, owner: type) -> dict[str, Any]:
        import dataclasses
        from typing import cast

        spec: _Spec = owner.__dict__["__record_spec__"]
        fields: dict[str, Any] = {}
        for name in spec.names:
            if name in spec.factories:
                made = cast(
                    "dataclasses.Field[Any]",
                    dataclasses.field(default_factory=spec.factories[name]),
                )
            else:
                default = spec.defaults.get(name, dataclasses.MISSING)
                made = cast("dataclasses.Field[Any]", dataclasses.field(default=default))
            made.name = name
            made.type = spec.types[name]
            made.repr = name in spec.shown
            made.compare = name in spec.compared
            made._field_type = dataclasses._FIELD  # type: ignore[attr-defined]
            fields[name] = made
        type.__setattr__(owner, "__dataclass_fields__", fields)  # once per class
        return fields


def _build(cls: type, eq: bool) -> type:
    spec = _spec_of(cls)
    own = dict(cls.__dict__)
    added: dict[str, object] = {
        "__record_spec__": spec,
        "__match_args__": spec.names,
        "__dataclass_fields__": _DataclassFields(),
        "__init__": own.get("__init__", _init),
        "__repr__": own.get("__repr__", _repr),
    }
    if eq:
        added["__eq__"] = own.get("__eq__", _eq)
        explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
        if not explicit_hash:
            added["__hash__"] = _hash
    for name, method in (("__setattr__", _setattr), ("__delattr__", _delattr)):
        if name in own:
            raise TypeError(f"cannot overwrite attribute {name} in class {cls.__name__}")
        added[name] = method
    for name, value in added.items():
        setattr(cls, name, value)
    return cls


if TYPE_CHECKING:

    @overload
    def record(cls: type[T], /) -> type[T]: ...

    @overload
    def record(*, eq: bool = True) -> Callable[[type[T]], type[T]]: ...

    @dataclass_transform(frozen_default=True, field_specifiers=(field,))
    def record(cls: Any = None, /, *, eq: bool = True) -> Any: ...

else:

    def record(cls=None, /, *, eq=True):
        """``@record`` (or ``@record(eq=False)``: identity equality and hash), for
        ``@dataclass(frozen=True)``."""
        if cls is None:
            return lambda c: _build(c, eq)
        return _build(cls, eq)


def field_names(obj: object, /) -> tuple[str, ...]:
    """The names of a record's fields, in order: what :func:`dataclasses.fields` would list,
    without importing :mod:`dataclasses`."""
    names: tuple[str, ...] = tuple(type(obj).__record_spec__.names)  # type: ignore[attr-defined]
    return names


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the record ``obj`` with ``changes``, as :func:`dataclasses.replace` (which works
    on records too, at the cost of importing :mod:`dataclasses`)."""
    state = obj.__dict__
    for name in obj.__record_spec__.names:  # type: ignore[attr-defined]
        if name not in changes:
            changes[name] = state[name]
    return type(obj)(**changes)
