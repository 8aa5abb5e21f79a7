"""The building blocks of the facts file's models: the base model and the field types.

A date as lawyers write it (a day, a month or a year), text that must not be a number YAML
read, an id: each a type with the JSON Schema an editor sees. :mod:`.schema` and
:mod:`.actions` build their models from these.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from filings.facts.dates import LegalDate, parse_time


def _day_only(value: LegalDate) -> LegalDate:
    if not value.is_day:
        raise ValueError(f"needs a full date (YYYY-MM-DD), not {value.iso()!r}")
    return value


def _not_true_false(value: object) -> object:
    """Refuse ``yes``/``no`` where a number is wanted: pydantic would count it as 1 or 0."""
    if isinstance(value, bool):
        raise PydanticCustomError("true_false_number", "true/false is not a number")
    return value


# How an editor sees these in the JSON Schema (filings schema): as the text a user writes.
_DATE_SCHEMA = {"anyOf": [{"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
                          {"type": "integer", "minimum": 1000, "maximum": 9999}],
                "description": "YYYY-MM-DD, YYYY-MM or YYYY"}
_DAY_SCHEMA = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "YYYY-MM-DD"}
_TIME_SCHEMA = {"type": "string", "pattern": r"^\d{1,2}:\d{2}$", "description": "HH:MM, 24-hour clock"}
AnyDate = Annotated[LegalDate, BeforeValidator(LegalDate.parse), WithJsonSchema(_DATE_SCHEMA)]
Day = Annotated[LegalDate, BeforeValidator(LegalDate.parse), AfterValidator(_day_only), WithJsonSchema(_DAY_SCHEMA)]
Time = Annotated[dt.time, BeforeValidator(parse_time), WithJsonSchema(_TIME_SCHEMA)]
Text = Annotated[str, Field(min_length=1)]
Ref = Annotated[str, Field(min_length=1)]  # the id of an organization, person, program or exhibit
Int = Annotated[int, BeforeValidator(_not_true_false)]
Float = Annotated[float, BeforeValidator(_not_true_false), Field(allow_inf_nan=False)]
# A field's description says what it holds; a date's description gives its form, as the
# field's own description takes the place of the date type's in the schema.
_ANY_DATE = " (YYYY-MM-DD, YYYY-MM or YYYY)"
_DAY = " (YYYY-MM-DD)"



class Model(BaseModel):
    """Base of every facts model: unknown keys are errors, values are immutable.

    A number or true/false where text is wanted is an error, never turned into text:
    YAML reads ``0700`` as 448 and ``1.50`` as 1.5, so the text would not be what was written.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True,
                              populate_by_name=True)


Article = Literal["the", ""]  # "the" before a name ("the Department of Commerce"), or none
