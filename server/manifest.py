"""The manifest: every feature of Kring, in order, once. Nothing else lists them.

Each line is one feature: its web part (web/<feature>_view.py, which names its core part(s) in
realtime/) and, where it has HTTP routes of its own, its route module (server/<feature>_routes.py).
The order is the order of the core's dispatch and export, of the live pages' regions of equal
`order`, and of the projector control's buttons. Adding a feature is adding its files and one line
here (docs/adding-a-feature.md).
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from server import (
    calendar_routes,
    feedback_routes,
    mentor_notes_routes,
    onetoone_routes,
    polls_routes,
    practical_routes,
    session_routes,
    trajectory_routes,
    wall_routes,
)
from server.feature import Feature
from server.mail_settings import mail_on
from server.materials_routes import routes as materials_routes
from web import (
    agenda_view,
    agreements_view,
    assignments_view,
    breakouts_view,
    calendar_view,
    evaluation_view,
    feedback_view,
    goals_view,
    intake_view,
    mail_view,
    materials_view,
    media_view,
    mentor_notes_view,
    messages_view,
    notes_view,
    onetoone_view,
    polls_view,
    practical_view,
    qa_view,
    queue_view,
    quiz_view,
    reactions_view,
    session_view,
    successes_view,
    timer_view,
    topics_view,
    trajectory_view,
    wall_view,
)


def _media_routes() -> list[BaseRoute]:
    # Imported only when the routes are built: the media relay (aiortc) is a heavy import.
    from server.media import signalling

    return signalling.routes()


FEATURES: tuple[Feature, ...] = (
    Feature(session_view.FEATURE, session_routes.routes),
    Feature(queue_view.FEATURE),
    Feature(wall_view.FEATURE, wall_routes.routes),
    Feature(polls_view.FEATURE, polls_routes.routes),
    Feature(quiz_view.FEATURE),
    Feature(trajectory_view.FEATURE, trajectory_routes.routes),
    Feature(practical_view.FEATURE, practical_routes.routes),
    Feature(calendar_view.FEATURE, calendar_routes.routes),
    Feature(agreements_view.FEATURE),
    Feature(messages_view.FEATURE),
    Feature(mail_view.FEATURE, enabled=mail_on),
    Feature(successes_view.FEATURE),
    Feature(onetoone_view.FEATURE, onetoone_routes.routes),
    Feature(notes_view.FEATURE),
    Feature(evaluation_view.FEATURE),
    Feature(mentor_notes_view.FEATURE, mentor_notes_routes.routes),
    Feature(topics_view.FEATURE),
    Feature(agenda_view.FEATURE),
    Feature(materials_view.FEATURE, materials_routes),
    Feature(timer_view.FEATURE),
    Feature(qa_view.FEATURE),
    Feature(feedback_view.FEATURE, feedback_routes.routes),
    Feature(breakouts_view.FEATURE),
    Feature(reactions_view.FEATURE),
    Feature(assignments_view.FEATURE),
    Feature(intake_view.FEATURE),
    Feature(goals_view.FEATURE),
    Feature(media_view.FEATURE, _media_routes),
)

