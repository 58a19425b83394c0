"""Every declared action: its form and serializer carry exactly its service's keyword
arguments, and it runs through the registry (``registry.perform``) for the roles that
own it, and is refused (nothing written) for the others."""

from __future__ import annotations

import inspect

import pytest

from complaints.actions import registry
from complaints.errors import NotAllowed, TransitionNotAllowed
from complaints.models import ComplaintStatus

FIXED = {"actor", "complaint", "now"}


def service_params(action):
    signature = inspect.signature(action.service_function)
    return {name for name in signature.parameters if name not in FIXED}


def required_params(action):
    signature = inspect.signature(action.service_function)
    return {
        name
        for name, parameter in signature.parameters.items()
        if name not in FIXED and parameter.default is inspect.Parameter.empty
    }


@pytest.mark.parametrize("action", list(registry), ids=lambda a: a.name)
def test_form_fields_are_the_service_arguments(action):
    form = action.form_class()
    fields = set(form.fields)
    assert fields <= service_params(action), (action.name, fields - service_params(action))
    assert required_params(action) <= fields, (action.name, required_params(action) - fields)


@pytest.mark.parametrize("action", registry.api_actions(), ids=lambda a: a.name)
def test_serializer_fields_are_the_service_arguments(action):
    fields = set(action.serializer_class().fields)
    assert fields <= service_params(action), (action.name, fields - service_params(action))
    assert required_params(action) <= fields


def test_every_api_path_of_api_md_is_declared():
    paths = {action.api_path for action in registry.api_actions()}
    assert paths == {
        "start_analysis",
        "decide",
        "resolve",
        "close",
        "accept",
        "dispute",
        "rating",
    }


#: Valid data per action, as its form would give it.
DATA = {
    "start_analysis": {"note": "Lo miramos"},
    "decide": {"decision": "accepted", "reasoning": "Defecto"},
    "resolve": {"resolution": "explanation", "note": "Explicado"},
    "close": {"note": ""},
    "accept": {"note": ""},
    "dispute": {"reason": "No estoy de acuerdo"},
    "reopen": {"reason": "Faltaba información"},
    "assign": {"assignee": None},
    "record_analysis": {"root_cause": "Embalaje", "responsible_party": "warehouse"},
    "carrier_claim": {"note": "Caja aplastada"},
    "supplier_claim": {"note": "Motor defectuoso"},
    "rate": {"score": 5, "comment": "Bien"},
}
#: The state each action needs, and what else must be true.
STATE_FOR = {
    "start_analysis": "abierta",
    "decide": "en_analisis",
    "resolve": "decidida",
    "close": "resuelta",
    "accept": "resuelta",
    "dispute": "resuelta",
    "reopen": "resuelta",
    "assign": "abierta",
    "record_analysis": "abierta",
    "carrier_claim": "en_analisis",
    "supplier_claim": "en_analisis",
    "rate": "cerrada",
}
ALLOWED = {
    "start_analysis": {"service_agent", "manager"},
    "decide": {"service_agent", "manager"},
    "resolve": {"service_agent", "manager"},
    "close": {"service_agent", "manager"},
    "accept": {"buyer", "customer_admin"},
    "dispute": {"buyer", "customer_admin"},
    "reopen": {"service_agent", "manager", "buyer"},
    "assign": {"service_agent", "manager"},
    "record_analysis": {"service_agent", "manager"},
    "carrier_claim": {"service_agent", "manager"},
    "supplier_claim": {"service_agent", "manager"},
    "rate": {"buyer", "customer_admin"},
}
PERSONAS = [
    "buyer",
    "viewer",
    "other_buyer",
    "service_agent",
    "warehouse_worker",
    "manager",
]


def test_declarations_cover_every_action():
    assert set(DATA) == set(STATE_FOR) == set(ALLOWED) == {a.name for a in registry}


@pytest.fixture
def prepared(order, file_complaint, walk, service_agent, flush):
    """``prepared(action_name)``: a complaint where the action is possible now."""
    from complaints import services

    def _prepare(name):
        complaint = file_complaint(order=order.number, sku="DRILL-18V")
        target = STATE_FOR[name]
        if target != "abierta":
            complaint = walk(complaint, to=target)
        if name in ("carrier_claim", "supplier_claim"):
            party = "carrier" if name == "carrier_claim" else "supplier"
            with flush():
                complaint = services.record_analysis(
                    complaint=complaint, actor=service_agent, responsible_party=party
                )
        return complaint

    return _prepare


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(DATA))
@pytest.mark.parametrize("persona", PERSONAS)
def test_action_through_the_registry(name, persona, prepared, request, flush):
    complaint = prepared(name)
    actor = request.getfixturevalue(persona)
    before = (complaint.status, complaint.events.count())
    data = dict(DATA[name])
    if name == "assign":
        data["assignee"] = request.getfixturevalue("manager")
    if persona in ALLOWED[name]:
        assert registry.is_possible(name, complaint, actor)
        with flush():
            registry.perform(name, complaint, actor, **data)
        complaint.refresh_from_db()
        assert complaint.events.count() > before[1]
    else:
        assert not registry.permits(actor, name, complaint)
        with pytest.raises((NotAllowed, complaint.DoesNotExist)), flush():
            registry.perform(name, complaint, actor, **data)
        complaint.refresh_from_db()
        assert (complaint.status, complaint.events.count()) == before


@pytest.mark.django_db
def test_action_out_of_order_is_refused_with_its_reason(order, file_complaint, service_agent):
    complaint = file_complaint(order=order.number)
    with pytest.raises(TransitionNotAllowed) as error:
        registry.perform("resolve", complaint, service_agent, resolution="explanation")
    assert error.value.code == "transition_not_allowed"
    assert complaint.status == ComplaintStatus.ABIERTA
    available = {a.name for a in registry.available(complaint, service_agent)}
    assert "start_analysis" in available and "resolve" not in available


@pytest.mark.django_db
def test_rating_a_second_time_is_already_rated(order, file_complaint, walk, buyer, flush):
    from complaints.errors import AlreadyRated

    complaint = walk(file_complaint(order=order.number), to="cerrada")
    with flush():
        registry.perform("rate", complaint, buyer, score=3)
    with pytest.raises(AlreadyRated):
        registry.perform("rate", complaint, buyer, score=5)
    complaint.refresh_from_db()
    assert complaint.rating_score == 3
