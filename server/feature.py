"""One feature as the app sees it: its web part (which names its core part) and its HTTP routes.

server/manifest.py lists them; the composition root (server/kring.py) builds the core, the web
layout, the command parsers and the routes from that list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starlette.routing import BaseRoute

from realtime.core import Core
from realtime.feature import CoreFeature
from web.feature import WebFeature


@dataclass(frozen=True, slots=True)
class Feature:
    web: WebFeature
    routes: Callable[[], list[BaseRoute]] | None = None


def web_features(features: Sequence[Feature]) -> tuple[WebFeature, ...]:
    return tuple(f.web for f in features)


def core_features(features: Sequence[Feature]) -> tuple[CoreFeature, ...]:
    return tuple(core for f in features for core in f.web.cores)


def build_core(features: Sequence[Feature]) -> Core:
    return Core(core_features(features))


def routes(features: Sequence[Feature]) -> list[BaseRoute]:
    return [route for f in features if f.routes is not None for route in f.routes()]
