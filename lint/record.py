"""Frozen, slotted value classes that cost next to nothing to define.

Everything that flows through the pipeline is an immutable record.  The standard
library's ``dataclasses`` would do, but patchlens runs as a git hook on every mail
sent, and a frozen ``dataclass`` compiles half a dozen methods with ``exec()`` when
its class is made (about 0.6 ms a class here, for more than a hundred classes) and
imports :mod:`inspect`.  That alone was a third of a one-patch run.

:func:`record` gives a class the same behaviour a ``@dataclass(frozen=True,
slots=True)`` has, for the features patchlens uses:

- ``__slots__`` from the annotated fields, in definition order, inherited fields first;
- an ``__init__`` taking the ``init`` fields positionally or by keyword, with plain
  defaults, :func:`field` defaults and default factories, then ``__post_init__``;
- ``__eq__`` and ``__hash__`` over the ``compare`` fields, exact class only;
- ``__repr__`` over the ``repr`` fields; ordering methods with ``order=True``;
- assignment and deletion raise :class:`FrozenInstanceError`;
- ``__match_args__``, pickling (``-j`` workers send records between processes) and
  :func:`replace`, :func:`fields` and :func:`asdict`.

The comparison, hashing and representation methods are generic functions shared by
every record, driven by a per-class field table.  Only ``__init__`` is generated,
since object creation is the hot path of the parser, and only for the classes a run
makes many of: the first :data:`COMPILE_AFTER` objects of a class are built by a
generic initialiser that reads the field table, and the next one compiles the class's
own ``__init__`` (about 0.15 ms). A git hook, which makes a few of most classes and
many of a few, compiles only those few.

mypy sees :func:`record` through ``dataclass_transform`` and checks records exactly as
it checks frozen dataclasses.
"""

from __future__ import annotations

import operator
from operator import attrgetter
from types import FunctionType

from lint.recordinit import compile_init, interpret_init

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar, overload

    from typing_extensions import dataclass_transform

    _T = TypeVar("_T")
    _C = TypeVar("_C", bound=type)
else:  # only mypy reads the decorator's options

    def dataclass_transform(**_options: object) -> Callable[[_T], _T]:
        return lambda function: function


class FrozenInstanceError(AttributeError):
    """Raised on an attempt to assign to or delete a field of a record."""


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""The default of a :class:`Field` that has none."""


class Field:
    """One field of a record: its name, annotation (a string) and options."""

    __slots__ = ("compare", "default", "default_factory", "init", "name", "repr", "type")

    def __init__(
        self,
        default: Any,
        default_factory: Any,
        init: bool,
        repr: bool,
        compare: bool,
    ) -> None:
        self.name = ""
        self.type: object = ""
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare

    def _named(self, name: str, annotation: object) -> Field:
        copy = Field(self.default, self.default_factory, self.init, self.repr, self.compare)
        copy.name = name
        copy.type = annotation
        return copy

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, type={self.type!r}, default={self.default!r})"


if TYPE_CHECKING:

    @overload
    def field(*, default: _T, init: bool = ..., repr: bool = ..., compare: bool = ...) -> _T: ...
    @overload
    def field(
        *,
        default_factory: Callable[[], _T],
        init: bool = ...,
        repr: bool = ...,
        compare: bool = ...,
    ) -> _T: ...
    @overload
    def field(*, init: bool = ..., repr: bool = ..., compare: bool = ...) -> Any: ...


def field(
    *,
    default: Any = MISSING,
    default_factory: Any = MISSING,
    init: bool = True,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """Options of one field, as ``dataclasses.field`` takes them."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, init, repr, compare)


if TYPE_CHECKING:

    @overload
    def record(cls: _C, /) -> _C: ...
    @overload
    def record(*, order: bool = ...) -> Callable[[_C], _C]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: Any = None, /, *, order: bool = False) -> Any:
    """Make ``cls`` a frozen, slotted record (see the module docstring)."""

    def wrap(cls: type) -> type:
        return _make_record(cls, order)

    return wrap if cls is None else wrap(cls)


def fields(class_or_instance: object) -> tuple[Field, ...]:
    """The fields of a record class or instance, in order."""
    table = getattr(class_or_instance, "__record_fields__", None)
    if table is None:
        raise TypeError(f"{class_or_instance!r} is not a record")
    return tuple(table)


def is_record(obj: object) -> bool:
    """Whether ``obj`` is a record class or instance."""
    return hasattr(obj, "__record_fields__")


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of the record ``obj`` with some fields changed (``dataclasses.replace``)."""
    table: tuple[Field, ...] = type(obj).__record_fields__  # type: ignore[attr-defined]
    for f in table:
        if not f.init and f.name in changes:
            raise ValueError(f"field {f.name!r} is computed by the class and cannot be replaced")
        if f.init and f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return type(obj)(**changes)


def asdict(obj: object) -> Any:
    """Records, lists, tuples and dicts turned into plain dicts and lists, recursively."""
    if is_record(obj) and not isinstance(obj, type):
        return {f.name: asdict(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, list | tuple):
        return type(obj)(asdict(item) for item in obj)
    if isinstance(obj, dict):
        return {asdict(key): asdict(value) for key, value in obj.items()}
    return obj


# ---------------------------------------------------------------------------
# Making the class


def _make_record(cls: type, order: bool) -> type:
    table = _field_table(cls)
    own = cls.__dict__
    inherited_slots: set[str] = set()
    for base in cls.__mro__[1:-1]:  # not object
        inherited_slots.update(_slots_of(base))
    namespace = dict(own)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    names = [f.name for f in table]
    for name in names:
        namespace.pop(name, None)  # a default lives in the field table, not on the class
    namespace["__slots__"] = tuple(name for name in names if name not in inherited_slots)
    namespace["__record_fields__"] = table
    compared = tuple(f.name for f in table if f.compare)
    namespace["__record_key__"] = staticmethod(_key_getter(compared))
    namespace["__match_args__"] = tuple(f.name for f in table if f.init)
    for name, method in (_ORDERED_METHODS if order else _METHODS).items():
        if name not in own or (name == "__hash__" and own[name] is None):
            namespace[name] = method
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    # Methods written in the class body that use super() or __class__ refer to the
    # class through a closure cell: point it at the class that replaces it.
    for value in own.values():
        function = value.fget if isinstance(value, property) else value
        if isinstance(function, FunctionType) and function.__closure__:
            code = function.__code__
            if "__class__" in code.co_freevars:
                cell = function.__closure__[code.co_freevars.index("__class__")]
                if cell.cell_contents is cls:
                    cell.cell_contents = made
    return made


def _slots_of(base: type) -> tuple[str, ...]:
    slots = base.__dict__.get("__slots__", ())
    return (slots,) if isinstance(slots, str) else tuple(slots)


def _field_table(cls: type) -> tuple[Field, ...]:
    by_name: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for f in base.__dict__.get("__record_fields__", ()):
            by_name[f.name] = f
    # Not inspect.get_annotations(): importing inspect is what this module avoids.
    own_annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
    for name, annotation in own_annotations.items():
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if text.startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, MISSING)
        if isinstance(value, Field):
            f = value._named(name, annotation)
        else:
            f = Field(value, MISSING, True, True, True)._named(name, annotation)
        if f.default is not MISSING and type(f.default).__hash__ is None:
            raise ValueError(
                f"{cls.__qualname__}.{name}: mutable default {type(f.default).__name__} "
                "is not allowed: use default_factory"
            )
        by_name[name] = f
    table = tuple(by_name.values())
    seen_default = False
    for f in table:
        if not f.init:
            continue
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        if seen_default and not has_default:
            raise TypeError(
                f"{cls.__qualname__}: non-default field {f.name!r} follows a default field"
            )
        seen_default = seen_default or has_default
    return table


def _key_getter(names: tuple[str, ...]) -> Callable[[object], tuple[Any, ...]]:
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


# ---------------------------------------------------------------------------
# The generated __init__


COMPILE_AFTER = 16
"""Objects of a record class built before its own ``__init__`` is compiled."""


def _first_init(self: Any, *args: Any, **kwargs: Any) -> None:
    """Build the object from the field table; past :data:`COMPILE_AFTER` objects of the
    class, compile its real ``__init__``, install it and call it."""
    owner = next(c for c in type(self).__mro__ if c.__dict__.get("__init__") is _first_init)
    made = owner.__dict__.get("__record_made__", 0) + 1
    if made < COMPILE_AFTER:
        type.__setattr__(owner, "__record_made__", made)
        interpret_init(owner, MISSING, self, args, kwargs)
        return
    init = compile_init(owner, MISSING)
    type.__setattr__(owner, "__init__", init)
    init(self, *args, **kwargs)


# ---------------------------------------------------------------------------
# Generic methods, shared by every record


def _repr(self: Any) -> str:
    shown = ", ".join(
        f"{f.name}={getattr(self, f.name, MISSING)!r}" for f in self.__record_fields__ if f.repr
    )
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> object:
    if other.__class__ is self.__class__:
        key = self.__record_key__
        return bool(key(self) == key(other))
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__record_key__(self))


def _ordering(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], object]:
    """An ordering method comparing two records of one class by their compared fields."""

    def method(self: Any, other: Any) -> object:
        if other.__class__ is self.__class__:
            return compare(self.__record_key__(self), self.__record_key__(other))
        return NotImplemented

    return method


_lt, _le, _gt, _ge = (_ordering(op) for op in (operator.lt, operator.le, operator.gt, operator.ge))


def _setattr(self: Any, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _reduce(self: Any) -> tuple[object, ...]:
    state = tuple(getattr(self, f.name, MISSING) for f in self.__record_fields__)
    return (_rebuild, (type(self), state))


def _rebuild(cls: type, state: tuple[object, ...]) -> object:
    """Unpickle a record: set its fields as they were, without running ``__init__``."""
    obj: Any = object.__new__(cls)
    for f, value in zip(cls.__record_fields__, state, strict=True):  # type: ignore[attr-defined]
        if value is not MISSING:
            object.__setattr__(obj, f.name, value)
    return obj


_METHODS: dict[str, object] = {
    "__init__": _first_init,
    "__repr__": _repr,
    "__eq__": _eq,
    "__hash__": _hash,
    "__setattr__": _setattr,
    "__delattr__": _delattr,
    "__reduce__": _reduce,
}
"""The methods every record gets, unless its class body defines its own."""
_ORDERED_METHODS = {**_METHODS, "__lt__": _lt, "__le__": _le, "__gt__": _gt, "__ge__": _ge}
