"""``qa.model.fast_init``: the value types' ``__init__`` sets fields through slot descriptors;
they take the same arguments and stay frozen dataclasses."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from qa.model import Applicability, Edit, Finding, Fix, Hit, Severity, fast_init


@pytest.mark.parametrize("cls", [Edit, Fix, Hit, Finding])
def test_signature_and_defaults_are_the_dataclass_ones(cls):
    params = list(inspect.signature(cls).parameters.values())
    fields = dataclasses.fields(cls)
    assert [p.name for p in params] == [f.name for f in fields]
    for p, f in zip(params, fields):
        want = inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        assert p.default is want or p.default == want


def test_instances_are_frozen_comparable_picklable_and_replaceable():
    fix = Fix((Edit(3, 7, "’"),), Applicability.UNSAFE, "curly")
    f = Finding("PUN001", "straight-quote", "punctuation", Severity.INFO, 3, 7, "use ’", "’", fix, 0.9)
    assert (f.rule, f.start, f.end, f.fix.edits[0].replacement, f.confidence) == ("PUN001", 3, 7, "’", 0.9)
    assert f.condition is None and f.segment is None and f.source_end is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.start = 4  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(f)) == f and hash(pickle.loads(pickle.dumps(f))) == hash(f)
    g = dataclasses.replace(f, start=4, segment="s1")
    assert (g.start, g.segment, g.end, g.message) == (4, "s1", 7, "use ’") and f.start == 3
    assert Hit(1, 2, "m", condition="c") == Hit(start=1, end=2, message="m", condition="c")
    assert Hit(1, 2, "m").confidence == 1.0 and Hit(1, 2, "m").severity is None
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'message'"):
        Hit(1, 2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        Edit(1, 2, colour="x")  # type: ignore[call-arg]


def test_fast_init_refuses_what_it_cannot_copy():
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    with pytest.raises(TypeError):
        fast_init(NoSlots)

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        a: list = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError):
        fast_init(Factory)
