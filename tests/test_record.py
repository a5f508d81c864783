"""lint.record behaves as a frozen, slotted dataclass does, for what patchlens uses."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys

import pytest

from lint.record import FrozenInstanceError, asdict, field, fields, is_record, record, replace


@record
class Point:
    """A point."""

    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class DataPoint:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


@record(order=True)
class Version:
    major: int
    minor: int = 0


@record
class Derived:
    text: str
    length: int = field(init=False, repr=False, compare=False)
    seen: list[str] = field(default_factory=list, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "length", len(self.text))


@record
class Base:
    name: str

    def describe(self) -> str:
        return f"base {self.name}"


@record
class Child(Base):
    extra: int = 1

    def describe(self) -> str:
        return "child of " + super().describe()


def test_init_positional_keyword_and_defaults() -> None:
    assert Point(1) == Point(x=1, y=0, tags=())
    assert Point(1, 2).y == 2
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, z=3)  # type: ignore[call-arg]


def test_repr_eq_hash_match_a_dataclass() -> None:
    ours, theirs = Point(1, 2, ("a",)), DataPoint(1, 2, ("a",))
    assert repr(ours) == repr(theirs).replace("DataPoint", "Point")
    assert ours == Point(1, 2, ("a",))
    assert ours != Point(1, 3, ("a",))
    assert ours != theirs  # type: ignore[comparison-overlap]  # another class is never equal
    assert hash(ours) == hash(Point(1, 2, ("a",)))
    assert len({ours, Point(1, 2, ("a",)), Point(2)}) == 2


def test_frozen_and_slotted() -> None:
    point = Point(1)
    with pytest.raises(FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del point.x
    assert isinstance(FrozenInstanceError("x"), AttributeError)
    assert not hasattr(point, "__dict__")
    assert Point.__dict__["__slots__"] == ("x", "y", "tags")


def test_order() -> None:
    assert sorted([Version(2), Version(1, 5), Version(1)]) == [
        Version(1),
        Version(1, 5),
        Version(2),
    ]
    assert Version(1) < Version(1, 1) <= Version(1, 1) and Version(3) > Version(2, 9) >= Version(2)
    with pytest.raises(TypeError):
        assert Point(1) < Point(2)  # type: ignore[operator]


def test_computed_fields_factories_and_post_init() -> None:
    first, second = Derived("abc"), Derived("abc")
    assert first.length == 3
    assert first.seen == [] and first.seen is not second.seen
    assert first == Derived("xyz".replace("xyz", "abc"), seen=["ignored in comparisons"])
    assert "length" not in repr(first)
    with pytest.raises(TypeError):
        Derived("abc", [], 3)  # type: ignore[call-arg]


def test_inheritance_and_super() -> None:
    child = Child("c", 2)
    assert [f.name for f in fields(child)] == ["name", "extra"]
    assert child.describe() == "child of base c"
    assert Child.__match_args__ == ("name", "extra")
    assert child != Base("c")
    match child:
        case Child(name, extra):
            assert (name, extra) == ("c", 2)


def test_replace_fields_asdict() -> None:
    point = Point(1, 2)
    assert replace(point, y=5) == Point(1, 5)
    assert replace(Derived("ab"), text="abcd").length == 4
    with pytest.raises(ValueError, match="length"):
        replace(Derived("ab"), length=1)
    names = [(f.name, f.type) for f in fields(Point)]
    assert names == [("x", "int"), ("y", "int"), ("tags", "tuple[str, ...]")]
    assert asdict(Child("c")) == {"name": "c", "extra": 1}
    assert asdict([Point(1)]) == [{"x": 1, "y": 0, "tags": ()}]
    assert is_record(point) and is_record(Point) and not is_record(DataPoint(1))
    with pytest.raises(TypeError):
        fields(DataPoint)


def test_pickle_and_copy_keep_every_field() -> None:
    derived = Derived("abcd", seen=["x"])
    for again in (pickle.loads(pickle.dumps(derived)), copy.deepcopy(derived), copy.copy(derived)):
        assert again == derived
        assert again.length == 4 and again.seen == ["x"]


def test_definition_errors() -> None:
    with pytest.raises(ValueError, match="mutable default"):

        @record
        class Bad:
            items: list[int] = []  # noqa: RUF012

    with pytest.raises(TypeError, match="non-default field 'b' follows a default field"):

        @record
        class Misordered:
            a: int = 0
            b: int  # type: ignore[misc]

    with pytest.raises(ValueError, match="both default and default_factory"):
        field(default=1, default_factory=int)  # type: ignore[call-overload]


def test_importing_record_imports_neither_dataclasses_nor_typing() -> None:
    heavy = "{'dataclasses', 'inspect', 'typing'}"
    code = f"import sys, lint.record; print(sorted({heavy} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_objects_built_before_and_after_the_init_is_compiled_are_alike() -> None:
    """The first objects of a class come from the field table, the later ones from the
    compiled ``__init__``: same values, same refusals."""
    from lint.record import COMPILE_AFTER

    calls: list[str] = []

    @record
    class Everything:
        a: int
        b: str = "b"
        c: tuple[int, ...] = field(default_factory=tuple)
        d: list[int] = field(default_factory=list, init=False, compare=False)
        e: int = field(default=5, init=False)

        def __post_init__(self) -> None:
            calls.append(self.b)

    def build(tier: int) -> list[object]:
        made = [
            Everything(1),
            Everything(2, "x"),
            Everything(3, c=(1, 2)),
            Everything(a=4, b="y", c=(3,)),
        ]
        for bad in ((), (1, "b", (), 9)):
            with pytest.raises(TypeError):
                Everything(*bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            Everything(1, a=2)  # type: ignore[misc]
        with pytest.raises(TypeError):
            Everything(1, z=2)  # type: ignore[call-arg]
        return [(tier, repr(o), o.d, o.e) for o in made]  # type: ignore[attr-defined]

    first = build(0)
    assert "__record_made__" in Everything.__dict__  # built from the field table
    for _ in range(COMPILE_AFTER):
        Everything(0)
    assert Everything.__dict__["__init__"].__qualname__.endswith("Everything.__init__")
    later = build(1)
    assert [row[1:] for row in first] == [row[1:] for row in later]
    assert calls.count("x") == 2 and calls.count("y") == 2
