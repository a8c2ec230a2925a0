import pytest
from pydantic import ValidationError

from events import FACTS, Event, canonical_bytes, decode_body, fact_data
from events.catalogue import ForecastMoved

GOOD = {
    "seq": 2,
    "id": "5b3c8e5e-9a52-4a1d-8f7e-2f9a7e1b0c11",
    "type": "milestone.completed",
    "subject": "DM-AP-18",
    "data": {"code": "DM-AP-18", "on": "2020-05-31"},
    "actor": "alice",
    "key": "0123456789abcdef",
    "recorded_at": "2020-06-01T10:00:00.000000Z",
    "effective": "2020-06-01T10:00:00.000000Z",
    "rfc": None,
    "idem": None,
    "prev": "ab" * 32,
}


def test_canonical_bytes_sort_keys_and_keep_unicode_as_utf8():
    body = {"b": 1, "a": "Jurić", "c": [True, None]}

    raw = canonical_bytes(body)

    assert raw == '{"a":"Jurić","b":1,"c":[true,null]}'.encode()
    assert decode_body(raw) == body


def test_canonical_bytes_do_not_depend_on_key_order():
    assert canonical_bytes({"x": 1, "y": 2}) == canonical_bytes({"y": 2, "x": 1})


def test_every_event_type_has_a_fact_model_with_a_past_tense_name():
    # DESIGN.md names the two dependency facts by the state they leave, which holds from
    # their effective time on ("DM-AP-18 depends on DM-AP-17"): facts all the same.
    stative = {"milestone.depends", "milestone.independent"}
    for name, model in FACTS.items():
        assert model.type == name
        verb = name.split(".")[1]
        assert verb.endswith(("ed", "wn")) or name in stative, name  # withdrawn


def test_a_valid_event_validates_and_gives_its_typed_fact():
    event = Event.model_validate(GOOD)

    fact = event.fact()

    assert fact.type == "milestone.completed"
    assert str(fact.on) == "2020-05-31"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("type", "milestone.exploded"),
        ("recorded_at", "2020-06-01 10:00"),
        ("prev", "xyz"),
        ("seq", 0),
        ("data", {"code": "DM-AP-18"}),
        ("data", {"code": "DM-AP-18", "on": "2020-02-30"}),
        ("data", {"code": "DM-AP-18", "on": "2020-05-31", "extra": 1}),
    ],
)
def test_a_malformed_event_is_refused(field, value):
    with pytest.raises(ValidationError):
        Event.model_validate({**GOOD, field: value})


def test_moves_store_from_and_to_under_their_design_names():
    fact = ForecastMoved.model_validate({"code": "X", "from": "2020-01-01", "to": "2020-02-01"})

    assert fact_data(fact) == {"code": "X", "from": "2020-01-01", "to": "2020-02-01"}
