"""The ``__init__`` of a record (:mod:`lint.record`): read from the field table, or compiled.

The first objects of a record class are built by :func:`interpret_init`, which walks
the class's field table; the class's own ``__init__``, generated as source from the
field names and compiled, takes over once a run makes many (:func:`compile_init`).
Both do the same: bind the ``init`` fields positionally or by keyword, fill in plain
defaults and default factories, refuse a missing, unknown or doubled argument, set
every field and call ``__post_init__``. ``missing`` is the record module's marker of
"no default" (``MISSING``), passed in so that this module imports nothing.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def interpret_init(
    cls: type, missing: object, self: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    """What the compiled ``__init__`` of ``cls`` does, read from its field table."""
    table: tuple[Any, ...] = cls.__record_fields__  # type: ignore[attr-defined]
    names = [f.name for f in table if f.init]
    where = f"{cls.__qualname__}.__init__()"
    if len(args) > len(names):
        raise TypeError(
            f"{where} takes {len(names) + 1} positional arguments but {len(args) + 1} were given"
        )
    given = dict(zip(names, args, strict=False))
    for name, value in kwargs.items():
        if name not in names:
            raise TypeError(f"{where} got an unexpected keyword argument {name!r}")
        if name in given:
            raise TypeError(f"{where} got multiple values for argument {name!r}")
        given[name] = value
    absent = [
        f.name
        for f in table
        if f.init and f.name not in given and f.default is missing and f.default_factory is missing
    ]
    if absent:
        raise TypeError(f"{where} missing required arguments: {', '.join(map(repr, absent))}")
    for f in table:
        value = given.get(f.name, missing) if f.init else missing
        if value is missing:
            if f.default_factory is not missing:
                value = f.default_factory()
            elif f.default is not missing:
                value = f.default
            else:
                continue  # a field without init and without a default stays unset
        object.__setattr__(self, f.name, value)
    if hasattr(cls, "__post_init__"):
        self.__post_init__()


def compile_init(cls: type, missing: object) -> Callable[..., None]:
    """The ``__init__`` of ``cls``, compiled from the source its field table gives."""
    table: tuple[Any, ...] = cls.__record_fields__  # type: ignore[attr-defined]
    scope: dict[str, object] = {"_set": object.__setattr__, "_MISSING": missing}
    params: list[str] = []
    body: list[str] = []
    for index, f in enumerate(table):
        factory = f"_factory_{index}"
        if f.default_factory is not missing:
            scope[factory] = f.default_factory
        if f.init:
            if f.default is not missing:
                scope[f"_default_{index}"] = f.default
                params.append(f"{f.name}=_default_{index}")
            elif f.default_factory is not missing:
                params.append(f"{f.name}=_MISSING")
                body.append(f"if {f.name} is _MISSING: {f.name} = {factory}()")
            else:
                params.append(f.name)
            body.append(f"_set(self, {f.name!r}, {f.name})")
        elif f.default_factory is not missing:
            body.append(f"_set(self, {f.name!r}, {factory}())")
        elif f.default is not missing:
            scope[f"_default_{index}"] = f.default
            body.append(f"_set(self, {f.name!r}, _default_{index})")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n " + "\n ".join(body or ["pass"])
    exec(compile(source, "<record>", "exec"), scope)  # built above from the class's field names
    init: Callable[..., None] = scope["__init__"]  # type: ignore[assignment]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init
