"""A presenter's own feedback as Markdown: what they keep of their presentations (their download on
"My trajectory"). Written from the same views their pages show (web/feedback_view.py), so it holds
exactly what they may see: every feedback on their closed rounds, named ones with the giver's name,
anonymous ones without."""

from __future__ import annotations

from collections.abc import Sequence

from web.exports.cells import md_text
from web.feedback_view import RoundView
from web.i18n import Language


def own_feedback_markdown(title: str, name: str, rounds: Sequence[RoundView], lang: Language) -> str:
    t, tn = lang.t, lang.tn
    heading, each = md_text(t("Feedback on my presentations")), md_text(t("Feedback on your presentation"))
    top, tip = md_text(t("Top")), md_text(t("Tip"))
    lines = ["# " + heading, "", f"{md_text(title)} · {md_text(name)}", ""]
    if not rounds:
        lines += [md_text(t("There is no feedback on your presentations yet.")), ""]
    for r in rounds:
        lines += [f"## {each} · {md_text(lang.formats.date(r.day, 'yMMMEd'))}", ""]
        lines += [md_text(tn("{n} person gave feedback", "{n} people gave feedback", r.count)), ""]
        for criterion, average in r.averages:
            shown = "–" if average is None else t("{avg} of 5", avg=lang.formats.decimal(average))
            lines.append(f"- {md_text(criterion)}: {md_text(shown)}")
        if r.averages:
            lines.append("")
        for item in r.items:
            who = t("Anonymous") if item.anonymous else item.name or t("Someone who left the group")
            lines += ["### " + md_text(who), ""]
            lines += [f"- {md_text(criterion)}: {score}" for criterion, score in item.scores]
            if item.top:
                lines.append(f"- {top}: {md_text(item.top)}")
            if item.tip:
                lines.append(f"- {tip}: {md_text(item.tip)}")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
