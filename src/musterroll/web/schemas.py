"""The JSON API's request and response bodies (they make the OpenAPI description)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["RELATIONSHIPS", "CaseIn", "CaseOut", "CsrfOut", "DashboardOut", "MeOut",
           "ReportIn", "ReportOut", "SearchIn", "SearchOut"]

Name = Field(min_length=1, max_length=100)
Relationship = Literal["mother", "father", "spouse", "child", "sibling", "grandparent",
                       "other_relative", "other"]
RELATIONSHIPS: tuple[str, ...] = get_args(Relationship)


class CsrfOut(BaseModel):
    """The token to send as X-CSRF-Token (with the cookie this response sets)."""

    csrf_token: str


class MeOut(BaseModel):
    """Who is logged in: a name and role, or the public."""

    name: str | None
    role: str


class DashboardOut(BaseModel):
    """Public documented counts (small cells None), counts over time, estimates, claims."""

    derived: bool = Field(description="Whether statuses were ever derived.")
    stale: bool = Field(description="Evidence arrived since the last derivation.")
    as_of: str
    threshold: int = Field(description="Counts from 1 to threshold - 1 are suppressed.")
    counts: dict[str, int | None]
    series: dict[str, Any] = Field(description="days: month ends; metrics: one list each.")
    by_month: dict[str, Any] = Field(
        default_factory=dict, description="months; event and learnt: killed and "
        "missing_ever per month of the event and of the register learning of it.")
    by_oblast: list[dict[str, Any]] = Field(
        default_factory=list, description="Per oblast code: killed, missing_now, "
        "captured, released, casualties (small cells None).")
    estimates: dict[str, dict[str, Any] | None]
    claims: list[dict[str, Any]]


class SearchIn(BaseModel):
    """A family's search: the relative's name (any script) and full birth date."""

    model_config = ConfigDict(extra="forbid")

    surname: str = Name
    given_name: str = Name
    patronymic: str | None = Field(None, max_length=100)
    birth_date: date


class SearchOut(BaseModel):
    """Found (one strong match) with the status a family may know, or not found."""

    found: bool
    status: str | None = None
    reference: str | None = Field(None, description="The person's case code for the "
                                  "office (random; never the register's person id).")
    sex: Literal["m", "f"] | None = Field(None, description="For wording the status.")
    report_only: bool = Field(False, description="Too many searches for this name found "
                              "nothing: it is answered only through a report.")


class ReportIn(BaseModel):
    """A family's report of a missing relative."""

    model_config = ConfigDict(extra="forbid")

    surname: str = Name
    given_name: str = Name
    patronymic: str | None = Field(None, max_length=100)
    birth_date: date
    sex: Literal["m", "f"] | None = None
    missing_since: date | None = None
    place: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=2000)
    contact: str = Field(min_length=3, max_length=200,
                         description="How the office can reach the reporter back.")
    relationship: Relationship = Field(
        description="The reporter's relationship to the missing person.")


class ReportOut(BaseModel):
    """The case number and the secret to come back with (shown once)."""

    case_number: str
    secret: str


class CaseIn(BaseModel):
    """A case number and its secret."""

    model_config = ConfigDict(extra="forbid")

    case_number: str = Field(min_length=1, max_length=20)
    secret: str = Field(min_length=1, max_length=100)


class CaseOut(BaseModel):
    """A report's state: received on, linked to a person, status a family may know."""

    case_number: str
    received: str
    state: Literal["pending", "accepted", "rejected"]
    linked: bool
    status: str | None
    sex: Literal["m", "f"] | None = None
