"""The base of the API's answer schemas."""

from pydantic import BaseModel


class Out(BaseModel):
    """An answer the handlers build as dicts. Plain pydantic: ninja's Schema reads every field through
    an attribute getter (meant for model instances), nine times slower on a page of 50 cases."""
