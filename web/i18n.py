"""The one translation mechanism: gettext catalogs (.po files read with Babel) keyed by English.

Templates call `t("English text", name=value)`; Python code that produces user-facing text goes
through `Translator.t` too (error reasons from realtime.errors.REASONS are msgids as well).
English is the source language, so an English lookup is the msgid itself. `.po` files are read at
start-up, so there is no compile step; tests/test_i18n.py extracts every msgid from the code and the
templates and fails when Dutch lacks one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from babel.messages.pofile import read_po

from realtime.errors import REASONS

LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"

# Field names that appear inside error messages ("{field} can be at most ...").
FIELD_LABELS: Mapping[str, str] = {
    "title": "Title",
    "name": "Name",
    "language": "Language",
    "location": "Where you are",
    "code": "Code",
    "view": "Projector view",
    "hand_kind": "Kind of hand",
    "queue_order": "Order of the queue",
    "turn_limit": "Time limit",
    "move_direction": "Direction",
    "queue_person": "Person",
    "turn_id": "Turn",
    # -- queue fields --
    "wall": "Walls",
    "wall_title": "Question",
    "wall_column": "Column name",
    "wall_columns": "Columns",
    "wall_note": "Post-it text",
    "wall_notes": "Post-its",
    "wall_colour": "Colour",
    "wall_groups": "Groups",
    "wall_group_label": "Group label",
    "wall_votes": "Votes per person",
    "wall_sort": "Order",
    # -- wall fields --
    "poll": "Poll",
    "kind": "Kind of poll",
    "question": "Question",
    "option": "Option",
    "max_choices": "Maximum choices",
    "max_words": "Words per person",
    "scale": "Scale",
    "low_label": "Label for the lowest value",
    "high_label": "Label for the highest value",
    "correct": "Correct answer",
    "answer": "Answer",
    "word": "Word",
    "status": "Status",
    # -- polls fields --
    "trajectory_name": "Name of the trajectory",
    "trajectory_theme": "Theme",
    "trajectory_target": "Target group",
    "trajectory_sessions": "Number of sessions",
    "trajectory_cadence": "How often",
    "trajectory_format": "Format",
    "trajectory_first_date": "Date of the first session",
    "trajectory_session": "Session",
    "trajectory_date": "Date",
    "trajectory_session_title": "Title of the session",
    # -- trajectory fields --
    "carry_actions": "Action points",
    "carry_questions": "Open questions",
    "contact_name": "Name to share",
    "contact_line": "Contact line",
    "return_date": "Date of the return meeting",
    "return_note": "Note",
    # -- intake and goals fields --
    "intake_learn": "What you want to learn",
    "intake_experience": "Your experience",
    "intake_experience_note": "About your experience",
    "intake_brings": "What you bring",
    "intake_styles": "How you like to learn",
    "intake_setting": "In the room or online",
    "intake_needs": "What helps you take part",
    "intake_access": "Anything the mentor should know",
    "goal": "Learning goal",
    "goal_text": "Learning goal",
    "goal_rating": "Progress rating",
    "goal_note": "Note on your progress",
    "goal_schedule": "When to check in",
    # -- evaluation, topics, agenda and assignments fields --
    "evaluation_session": "Session",
    "evaluation_rating": "Your rating",
    "evaluation_worked": "What worked",
    "evaluation_better": "What could be better",
    "evaluation_change": "What I changed",
    "topic_title": "Topic or case",
    "topic_detail": "Details",
    "topic_status": "Status of the topic",
    "agenda_session": "Session",
    "agenda_kind": "Kind",
    "agenda_title": "Title of the block",
    "agenda_minutes": "Minutes",
    "agenda_template": "Template",
    "agenda_direction": "Direction",
    "assignment_title": "Title of the assignment",
    "assignment_description": "What to do",
    "assignment_due": "Due in session",
    "assignment_reflection": "Reflection",
}


class Gettext(Protocol):
    def __call__(self, msgid: str, /, **params: object) -> str: ...


def load_catalog(lang: str, locale_dir: Path = LOCALE_DIR) -> dict[str, str]:
    """Every .po file of `lang` merged: messages.po, plus one file per feature (wall.po, ...),
    so that features can be translated without touching each other's files."""
    merged: dict[str, str] = {}
    for path in sorted((locale_dir / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        merged.update(
            (str(message.id), str(message.string))
            for message in catalog
            if message.id and isinstance(message.string, str) and message.string and not message.fuzzy
        )
    return merged


class Translator:
    def __init__(self, locale_dir: Path = LOCALE_DIR) -> None:
        self._catalogs = {lang: load_catalog(lang, locale_dir) for lang in LANGUAGES}

    @staticmethod
    def pick(*candidates: str | None) -> str:
        """The first supported language among candidates (browser choice first, then session)."""
        for lang in candidates:
            if lang in LANGUAGES:
                return lang
        return DEFAULT_LANGUAGE

    def gettext(self, lang: str) -> Gettext:
        catalog = self._catalogs.get(lang, {})

        def t(msgid: str, /, **params: object) -> str:
            text = catalog.get(msgid, msgid)
            return text.format(**params) if params else text

        return t

    def reason(self, lang: str, code: str, params: Mapping[str, object]) -> str:
        """An error reason (realtime.errors) in `lang`, with field names translated too."""
        t = self.gettext(lang)
        shown = {
            key: t(FIELD_LABELS[str(value)]) if key == "field" and str(value) in FIELD_LABELS else value
            for key, value in params.items()
        }
        return t(REASONS.get(code, REASONS["bad_message"]), **shown)
