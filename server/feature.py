"""One feature as the app sees it: its web part (which names its core part) and its HTTP routes.

server/manifest.py lists them; the composition root (server/kring.py) builds the core, the web
layout, the command parsers and the routes from that list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.routing import BaseRoute

from realtime.core import Core
from realtime.feature import CoreFeature
from web.feature import WebFeature

if TYPE_CHECKING:
    from server.settings import Settings


@dataclass(frozen=True, slots=True)
class Feature:
    web: WebFeature
    routes: Callable[[], list[BaseRoute]] | None = None
    # Whether the operator's settings turn it on (None: always). Off, its core part stays, so that
    # a log written while it was on still folds, but no page shows it and no message reaches it:
    # e-mail without an SMTP server (server/mail_settings.py).
    enabled: Callable[[Settings], bool] | None = None


def configured(features: Sequence[Feature], settings: Settings) -> tuple[Feature, ...]:
    """The features as these settings have them: one that is off keeps only its core part."""
    return tuple(
        f if f.enabled is None or f.enabled(settings)
        else Feature(WebFeature(name=f.web.name, cores=f.web.cores,
                                event_regions={e: frozenset() for core in f.web.cores for e in core.events}))
        for f in features
    )


def web_features(features: Sequence[Feature]) -> tuple[WebFeature, ...]:
    return tuple(f.web for f in features)


def core_features(features: Sequence[Feature]) -> tuple[CoreFeature, ...]:
    return tuple(core for f in features for core in f.web.cores)


def build_core(features: Sequence[Feature]) -> Core:
    return Core(core_features(features))


def routes(features: Sequence[Feature]) -> list[BaseRoute]:
    return [route for f in features if f.routes is not None for route in f.routes()]
