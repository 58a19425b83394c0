"""One declaration per action of a domain object, read by every face.

A domain declares its actions once (``orders/actions.py``)::

    registry = ActionRegistry(owns=..., not_now=..., not_allowed=...)
    registry.declare(Action(
        name="ship", label=_("Ship"), transition="ship",
        service="orders.services.ship_order", object_arg="order",
        roles=(WAREHOUSE, MANAGER), form="orders.backoffice.forms.ShipForm",
        serializer="orders.api.serializers.ShipInputSerializer",
    ))

and the registry answers the questions the back-office, the portal, the API and the
services ask: which actions may this actor do on this object now (``available``),
why one is not possible now (``refusal``/``reason``), may this actor do it at all
(``permits``, roles only), and ``perform(name, obj, actor, **data)``.

Availability is the state machine's answer plus the guards. For an action backed by a
django-fsm transition the source states come from the transition
(``can_proceed(..., check_conditions=False)``) and the guards are the transition's
conditions, written once on the model with ``@guard(reason)``; a condition marked
``on_input=True`` checks data the action itself brings (a tracking number, a reason)
and is left to the transition. Actions without a transition name the ``states`` they
are possible in and may add ``guards``. Services call ``ensure`` under their row
lock, so the faces and the services cannot disagree.

Services, forms and serializers may be given as dotted paths: the declarations then
import nothing from the faces, and the services can import the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from typing import Any

from django.utils.module_loading import import_string
from django_fsm import can_proceed

from .actors import is_customer_actor
from .errors import NotAllowed

GUARD_REASON = "guard_reason"
GUARD_ON_INPUT = "guard_on_input"
GUARD_ERROR = "guard_error"


def guard(reason=None, *, on_input: bool = False, error: Callable | None = None):
    """Mark a model method as a guard: ``reason`` says why the action is not possible
    when it returns False (``None``: the generic "not possible now" text); ``error``
    builds a richer domain error from the object instead; ``on_input`` marks a guard on
    data the action brings, checked by the transition and not by ``available``."""

    def decorate(function):
        setattr(function, GUARD_REASON, reason)
        setattr(function, GUARD_ON_INPUT, on_input)
        setattr(function, GUARD_ERROR, error)
        return function

    return decorate


@dataclass(frozen=True)
class Guard:
    """A rule an action needs, with the reason shown when it fails."""

    test: Callable[[Any], bool]
    reason: Any = None
    error: Callable[[Any], Exception] | None = None

    @classmethod
    def of(cls, function, *, reason=None) -> Guard:
        return cls(
            test=function,
            reason=reason if reason is not None else getattr(function, GUARD_REASON, None),
            error=getattr(function, GUARD_ERROR, None),
        )


def _resolve(value):
    return import_string(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Action:
    """One action: what it is called, what it calls, who owns it and when it is possible.

    ``customer``: a customer (portal user or company key) of the object's company may
    do it; ``customer_guard`` narrows when (e.g. cancel only while pending).
    ``reasons`` overrides a transition condition's reason for this action
    (``{"is_not_on_hold": _("...")}``). ``api_path`` is the API endpoint's path segment
    (None: no API endpoint); ``api_status`` its success status; ``api_response`` builds
    the answer from ``(view, obj, result)`` (None: the face's default, the object).
    """

    name: str
    label: Any
    service: Callable | str
    object_arg: str = "obj"
    transition: str | None = None
    states: tuple[str, ...] | None = None
    guards: tuple[Callable | Guard, ...] = ()
    reasons: dict[str, Any] = field(default_factory=dict)
    roles: tuple[str, ...] = ()
    customer: bool = False
    customer_guard: Guard | None = None
    form: type | str | None = None
    serializer: type | str | None = None
    confirm: Any = ""
    bulk: bool = False
    style: str = "primary"
    api_path: str | None = None
    api_status: int = 200
    api_response: Callable | str | None = None

    @cached_property
    def service_function(self) -> Callable:
        return _resolve(self.service)

    @cached_property
    def form_class(self):
        return _resolve(self.form)

    @cached_property
    def serializer_class(self):
        return _resolve(self.serializer)

    @cached_property
    def api_response_function(self):
        return _resolve(self.api_response)


class ActionRegistry:
    """The actions of one model. ``owns(actor, action, obj)`` is the domain's role rule;
    ``not_now(action, obj, message)`` builds its "not possible now" error;
    ``not_allowed()`` its permission error."""

    def __init__(
        self,
        *,
        owns: Callable[[Any, Action, Any], bool],
        not_now: Callable[[Action, Any, Any], Exception],
        not_allowed: Callable[[], Exception] = NotAllowed,
        state_field: str = "status",
    ):
        self._actions: dict[str, Action] = {}
        self._owns = owns
        self._not_now = not_now
        self._not_allowed = not_allowed
        self.state_field = state_field

    # --- declaring --------------------------------------------------------------------
    def declare(self, action: Action) -> Action:
        if action.name in self._actions:
            raise ValueError(f"Action {action.name!r} is declared twice.")
        if action.transition is None and action.states is None:
            raise ValueError(f"Action {action.name!r} needs a transition or states.")
        self._actions[action.name] = action
        return action

    def remove(self, name: str) -> None:
        self._actions.pop(name, None)

    def get(self, name: str) -> Action:
        """The declaration; ``KeyError`` for an unknown name (the faces answer 404)."""
        return self._actions[name]

    def __contains__(self, name) -> bool:
        return name in self._actions

    def __iter__(self) -> Iterator[Action]:
        return iter(list(self._actions.values()))

    def bulk_actions(self) -> list[Action]:
        return [action for action in self if action.bulk]

    def customer_actions(self) -> list[Action]:
        return [action for action in self if action.customer]

    def api_actions(self) -> list[Action]:
        return [action for action in self if action.api_path]

    # --- asking -----------------------------------------------------------------------
    def permits(self, actor, name: str, obj) -> bool:
        """The actor's role owns the action for this object (state not considered)."""
        return bool(self._owns(actor, self.get(name), obj))

    def _guards(self, action: Action, obj) -> Iterable[Guard]:
        if action.transition is not None:
            method = getattr(obj, action.transition)
            state = getattr(obj, self.state_field)
            meta = method._django_fsm.get_transition(state)
            for condition in meta.conditions if meta is not None else ():
                if getattr(condition, GUARD_ON_INPUT, False):
                    continue
                yield Guard.of(condition, reason=action.reasons.get(condition.__name__))
        for item in action.guards:
            yield item if isinstance(item, Guard) else Guard.of(item)

    def _in_state(self, action: Action, obj) -> bool:
        if action.transition is not None:
            return can_proceed(getattr(obj, action.transition), check_conditions=False)
        return getattr(obj, self.state_field) in action.states

    def refusal(self, name: str, obj, actor=None) -> Exception | None:
        """The domain error that says why ``name`` is not possible on ``obj`` now
        (state, the customer condition, then the guards, in that order), or None."""
        action = self.get(name)
        if not self._in_state(action, obj):
            return self._not_now(action, obj, None)
        guards = self._guards(action, obj)
        if action.customer_guard is not None and is_customer_actor(actor):
            guards = chain([action.customer_guard], guards)
        for item in guards:
            if not item.test(obj):
                return self._error(action, item, obj)
        return None

    def _error(self, action: Action, item: Guard, obj) -> Exception:
        if item.error is not None:
            return item.error(obj)
        return self._not_now(action, obj, item.reason)

    def reason(self, name: str, obj, actor=None) -> str | None:
        """Why ``name`` is not possible now, translated (None: it is)."""
        error = self.refusal(name, obj, actor)
        return None if error is None else str(getattr(error, "message", error))

    def is_possible(self, name: str, obj, actor) -> bool:
        return self.permits(actor, name, obj) and self.refusal(name, obj, actor) is None

    def available(self, obj, actor) -> list[Action]:
        """The actions ``actor`` may do on ``obj`` now, in declaration order."""
        return [action for action in self if self.is_possible(action.name, obj, actor)]

    def ensure(self, name: str, obj, actor) -> Action:
        """Raise the permission error, then the "not now" error; services call this once,
        under their lock, before the transition."""
        action = self.get(name)
        if not self._owns(actor, action, obj):
            raise self._not_allowed()
        error = self.refusal(name, obj, actor)
        if error is not None:
            raise error
        return action

    # --- doing ------------------------------------------------------------------------
    def perform(self, name: str, obj, actor, **data):
        """Call the action's service with the object, the actor and the form's or
        serializer's validated data (the service checks everything again, locked)."""
        action = self.get(name)
        return action.service_function(**{action.object_arg: obj}, actor=actor, **data)
