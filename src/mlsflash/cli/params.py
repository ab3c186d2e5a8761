"""Plain coercion of the command-line values mlsflash's parameters take, without pydantic.

Why: Typer 0.29 coerces every parameter value, even an absent one, through a pydantic
`TypeAdapter` that it builds the first time (`typer._adapters`): importing pydantic and building
the adapters costs 50-120 ms at every start of every command, more than some commands take.
mlsflash's parameters are str, bool, int (some with min/max) and list[str]; for those, a value
that is plainly well formed is converted here exactly as the adapter would convert it. Anything
else (a bad or unusual value, a type not listed) goes to Typer's own coercion, so every error a
user sees is still Typer's, word for word, and only that error path imports pydantic.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TypeVar, get_args, get_origin

from typer._coercion import RuntimeParam, build_runtime_param
from typer.core import _TyperParameter

if TYPE_CHECKING:
    from typer._click import Context

P = TypeVar("P")

# An int the adapter reads the same way as int(): ASCII digits, an optional minus, no spaces,
# "+", "_", ".0" or more digits than an int64 (the adapter's own rules for those stay its own).
_PLAIN_INT = re.compile(r"-?[0-9]{1,18}")
_NOT_PLAIN = object()


class PlainRuntimeParam(RuntimeParam):  # Typer's frozen dataclass; no field of its own, so no @dataclass
    """str, bool, int (min/max checked) and list[str] values, falling back to Typer's coercion."""

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: "Context") -> Any:
        plain = self._plain(value)
        if plain is _NOT_PLAIN:
            return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)
        return plain

    def _plain(self, value: Any) -> Any:
        annotation = self.annotation
        if annotation is str:
            return value if type(value) is str else _NOT_PLAIN
        if annotation is bool:
            return value if type(value) is bool else _NOT_PLAIN
        if annotation is int:
            return self._plain_int(value)
        if _is_str_list(annotation) and isinstance(value, (list, tuple)):
            return list(value) if all(type(item) is str for item in value) else _NOT_PLAIN
        return _NOT_PLAIN

    def _plain_int(self, value: Any) -> Any:
        if type(value) is str and _PLAIN_INT.fullmatch(value):
            number = int(value)
        elif type(value) is int:
            number = value
        else:
            return _NOT_PLAIN
        low, high = self.parameter_info.min, self.parameter_info.max
        if (low is not None and number < low) or (high is not None and number > high):
            return _NOT_PLAIN  # Typer says which bound, in its own words
        return number


def _is_str_list(annotation: Any) -> bool:
    return get_origin(annotation) is list and get_args(annotation) == (str,)  # List[str] too


def _plain_annotation(param: _TyperParameter) -> bool:
    descriptor = param.type_descriptor
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None or info.clamp:
        return False
    annotation = descriptor.annotation
    return annotation in (str, bool, int) or _is_str_list(annotation)


def use_plain_coercion(params: list[P]) -> list[P]:
    """Give each Typer parameter of a simple type the plain coercion (before any value is
    processed; the help option too); the others keep Typer's. Returns `params`."""
    for param in params:
        if isinstance(param, _TyperParameter) and param._runtime_param is None and _plain_annotation(param):
            descriptor = param.type_descriptor
            param._runtime_param = PlainRuntimeParam(
                parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
            )
    return params
