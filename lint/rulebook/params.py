"""A rule's ``[params]`` table validated into its check kind's typed ``Params`` record.

Each check kind declares its parameters as a frozen record; the rule file's
table must name only those fields, with values of their types. A value that
chooses a behaviour is a ``Literal`` of its choices. A typo, a wrong type or a
choice that does not exist stops the run with the rule file and the key named,
and so does a value the record's own checks refuse (:class:`ParamsError`).
"""

from __future__ import annotations

from lint.checks.api import ParamsError
from lint.errors import InputError
from lint.record import MISSING
from lint.record import fields as record_fields
from lint.rulebook.regex import Regex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def build_params(params_type: type[Any], table: dict[str, Any], where: str) -> Any:
    """Validate a ``[params]`` table into the kind's frozen ``Params`` dataclass.

    Supported field types: ``str``, ``int``, ``bool``, ``float``,
    ``tuple[str, ...]`` (a TOML list of strings), :class:`~lint.rulebook.regex.Regex` (a
    regex, checked here and compiled on first use), ``tuple[Regex, ...]`` and
    ``Literal["a", "b"]`` (one of the strings given).
    """
    fields = {f.name: f for f in record_fields(params_type) if f.init}
    for key in table:
        if key not in fields:
            known = ", ".join(fields) or "none"
            raise InputError(where, f"unknown key 'params.{key}' (known: {known})")
    values: dict[str, Any] = {}
    for name, param in fields.items():
        if name not in table:
            if param.default is MISSING and param.default_factory is MISSING:
                raise InputError(where, f"missing key 'params.{name}'")
            continue
        values[name] = _param_value(str(param.type), table[name], where, f"params.{name}")
    try:
        return params_type(**values)
    except ParamsError as error:
        raise InputError(where, f"key 'params.{error.key}': {error.message}") from None


def _param_value(annotation: str, value: Any, where: str, key: str) -> Any:
    # Check modules use postponed annotations, so a field's type is its source text;
    # reading it directly spares typing.get_type_hints() (and importing typing) at start-up.
    hint = annotation.replace(" ", "")
    if hint == "bool":
        if isinstance(value, bool):
            return value
        raise InputError(where, f"key '{key}' must be true or false")
    if hint == "int":
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        raise InputError(where, f"key '{key}' must be a non-negative integer")
    if hint == "float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise InputError(where, f"key '{key}' must be a number")
    if hint == "str":
        if isinstance(value, str):
            return value
        raise InputError(where, f"key '{key}' must be a string")
    if hint == "tuple[str,...]":
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        raise InputError(where, f"key '{key}' must be a list of strings")
    if hint == "Regex":
        if not isinstance(value, str):
            raise InputError(where, f"key '{key}' must be a regex string")
        return Regex.checked(value, where, key)
    if hint == "tuple[Regex,...]":
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(Regex.checked(item, where, key) for item in value)
        raise InputError(where, f"key '{key}' must be a list of regex strings")
    if hint.startswith("Literal[") and hint.endswith("]"):
        choices = _choices(annotation.strip())
        if isinstance(value, str) and value in choices:
            return value
        shown = ", ".join(choices)
        raise InputError(where, f"key '{key}': {value!r} is not one of {shown}")
    raise TypeError(f"unsupported Params field type {hint!r} for {key}")  # a bug in a check


def _choices(hint: str) -> tuple[str, ...]:
    """The strings of ``Literal["a","b"]`` (as the annotation's source text)."""
    from ast import literal_eval

    found = literal_eval(f"({hint[len('Literal[') : -1]},)")
    if not all(isinstance(choice, str) for choice in found):
        raise TypeError(f"only string Literal params are supported: {hint}")  # a bug in a kind
    return tuple(found)
