"""The shared pieces of the result models: the strict base model, integers as JSON Schema counts
them, the row-id range, and the URL pattern the server accepts."""

from __future__ import annotations

from typing import Annotated

from annotated_types import Ge, Le
from pydantic import BaseModel, BeforeValidator, ConfigDict, JsonValue

JsonMap = dict[str, JsonValue]
PORT = r"(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
# An absolute http(s) URL as assay.domain.host_policy reads it: the schema admits only what the
# server accepts.
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_IPV4 = rf"{_OCTET}(\.{_OCTET}){{3}}"
_LABEL = r"[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?"
# The last label of a name is not all digits ("0", "127.1": numbers, not names).
_LAST = r"([A-Za-z0-9_]*[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9_][A-Za-z0-9_-]*-[A-Za-z0-9_-]*[A-Za-z0-9_])"
_NAME = rf"({_LABEL}\.)*{_LAST}\.?"
URL_PATTERN = rf"[hH][tT][tT][pP][sS]?://({_IPV4}|{_NAME})" + PORT + r"(/[^\x00-\x20\x7f\u2028\u2029]*)?"


def _integral(value: object) -> object:
    """JSON Schema counts 3.0 as an integer; strict Pydantic does not, so convert it first."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Strict models reject what JSON Schema rejects (``true`` for an integer, ``"1"`` for a number).
Int = Annotated[int, BeforeValidator(_integral)]
# Stored ids and event numbers are 32-bit integers (PostgreSQL ``integer``): the schema says so.
MAX_ID = 2**31 - 1
RowId = Annotated[int, Ge(1), Le(MAX_ID), BeforeValidator(_integral)]


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, strict=True)
