"""The report's HTML: Jinja2 templates in ``krlib/templates/report/`` (issue 23).

Python prepares plain values (strings, numbers, lists of dicts); the templates hold the
markup and the report's fixed sentences. One environment, autoescaped, strict: a value
from the data or the parameters is escaped wherever a template writes it, and a name
a template uses but is not given is an error, never an empty string. A value is escaped
as :func:`html.escape` escapes it (quotes as ``&quot;`` / ``&#x27;``, not Jinja's
``&#34;`` / ``&#39;``), so a section moved from an f-string keeps its bytes.
"""

from __future__ import annotations

import html
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

__all__ = ["Markup", "environment", "macro"]


def _escape(value: Any) -> Any:
    """The environment's ``finalize``: a plain value escaped by :func:`html.escape`
    (markup, ``Markup`` or anything with ``__html__``, is left to the autoescape)."""
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value)))


@cache
def environment() -> jinja2.Environment:
    """The one Jinja2 environment of the report (templates shipped as package data)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("krlib", "templates/report"),
        autoescape=True, undefined=jinja2.StrictUndefined, finalize=_escape,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)


def macro(template: str, name: str, /, *args: Any, **kwargs: Any) -> str:
    """``name`` of ``template`` called with the arguments: its HTML, as a plain string."""
    return str(getattr(environment().get_template(template).module, name)(*args, **kwargs))
