"""Importing a library without the parts of it nianbao never uses."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module
from types import ModuleType
from typing import Any


@contextmanager
def without(*names: str) -> Iterator[None]:
    """Inside, ``import NAME`` raises ImportError for each of ``names`` not imported yet, so a library that
    treats NAME as optional takes its fallback (camelot without matplotlib: no plotting; jieba without
    pkg_resources: a plain open of its dictionary). Afterwards NAME imports normally again."""
    blocked = [name for name in names if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # the import system's "not available" marker
    try:
        yield
    finally:
        for name in blocked:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]


@contextmanager
def deferred(module: str, *names: str) -> Iterator[None]:
    """Inside, ``from MODULE import NAME`` gives a function that imports MODULE when first called.

    For a library that imports a heavy module at start-up only to re-export functions of it: spaCy's
    ``spacy.info`` loads its whole command line (typer commands, weasel, httpx, requests; 0.25 s CPU),
    which a pipeline never calls. The re-exported names still work; afterwards MODULE imports normally,
    and the package attribute the library would have set (``spacy.cli``) imports it on first access.
    """
    if module in sys.modules:
        yield
        return
    stand_in = ModuleType(module)
    for name in names:
        setattr(stand_in, name, _forward(module, name))
    sys.modules[module] = stand_in
    try:
        yield
    finally:
        if sys.modules.get(module) is stand_in:
            del sys.modules[module]
        _import_on_access(module)


def _import_on_access(module: str) -> None:
    """For the first package on MODULE's path not imported yet (``spacy.cli``), give its imported parent
    (``spacy``) a PEP 562 ``__getattr__`` that imports it when ``parent.child`` is first read."""
    parent, _, child = module.rpartition(".")
    while parent and parent not in sys.modules:
        parent, _, child = parent.rpartition(".")
    package = sys.modules.get(parent) if parent else None
    if package is None or hasattr(package, child) or "__getattr__" in vars(package):
        return

    def __getattr__(name: str) -> Any:
        if name == child:
            return import_module(f"{parent}.{child}")
        raise AttributeError(f"module {parent!r} has no attribute {name!r}")

    package.__getattr__ = __getattr__  # type: ignore[method-assign]


def _forward(module: str, name: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call
