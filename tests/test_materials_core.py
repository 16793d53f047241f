"""Materials in the pure core (realtime/materials.py): links and files per planned session, who
may add and remove them, the title, address and session checks, the count and the total size
the trajectory may hold, the export (titles and names only) and that erasure leaves them be."""

from __future__ import annotations

import pytest

from realtime import materials, trajectory
from realtime.erasure import redaction_plan
from realtime.errors import Forbidden, Rejected
from realtime.events import Actor, Command, EndSession, EraseParticipant, Role
from tests import corekit
from tests.corekit import CORE, MENTOR, decide, export_session

ANN = Actor(Role.PARTICIPANT, "ann")
MB = 1_000_000


class Log(corekit.Log):
    def __init__(self, *, planned: bool = True) -> None:
        super().__init__("ann")
        if planned:
            self.run(trajectory.PlanTrajectory("Starters", "Feedback", "Teachers", "3", "weekly", "hybrid",
                                               "2026-09-07"))

    @property
    def part(self) -> materials.MaterialsState:
        return self.state.part(materials.PART)


def file(mid: str, session: str = "1", size: int = MB, budget: int = 200 * MB, title: str = "Slides",
         kind: str = "pdf") -> materials.AddFile:
    return materials.AddFile(mid, session, title, f"{mid:0>32}", "week 1.pdf", kind, size, budget)


def test_links_and_files_per_session_removed_and_exported() -> None:
    built = Log()
    built.run(materials.AddLink("l1", "2", "  Reading\tfor week 2 ", "https://example.org/a?b=1"))
    built.run(file("f1", "1"))
    built.run(file("f2", "2", title=""))  # no title: the file's name stands in
    assert [m.mid for m in built.part.of(2)] == ["l1", "f2"]
    assert built.part.get("l1") == materials.Material("l1", 2, "Reading for week 2", url="https://example.org/a?b=1")
    assert built.part.get("f2") is not None and built.part.get("f2").title == "week 1.pdf"  # type: ignore[union-attr]
    assert built.part.total_bytes == 2 * MB
    built.run(materials.RemoveMaterial("f1"))
    assert built.part.of(1) == () and built.part.total_bytes == MB
    assert export_session(built.state)["materials"] == [
        {"session": 2, "title": "Reading for week 2", "url": "https://example.org/a?b=1"},
        {"session": 2, "title": "week 1.pdf", "filename": "week 1.pdf", "size": MB},
    ]


def test_only_the_mentor_adds_and_removes_also_after_the_last_session() -> None:
    built = Log().run(materials.AddLink("l1", "1", "Case", "https://example.org"))
    for command in (materials.AddLink("l2", "1", "x", "https://example.org"), file("f1"),
                    materials.RemoveMaterial("l1")):
        with pytest.raises(Forbidden):
            decide(built.state, command, ANN)
    built.run(EndSession())
    built.run(materials.AddLink("l3", "3", "For the return meeting", "http://example.org"))
    assert len(built.part.items) == 2


@pytest.mark.parametrize(("command", "code"), [
    (materials.AddLink("l", "1", "x", "javascript:alert(1)"), "bad_link"),
    (materials.AddLink("l", "1", "x", "ftp://example.org/x"), "bad_link"),
    (materials.AddLink("l", "1", "x", "https://exa mple.org"), "bad_link"),
    (materials.AddLink("l", "1", "x", ""), "missing_field"),
    (materials.AddLink("l", "1", "", "https://example.org"), "missing_field"),
    (materials.AddLink("l", "1", "x" * 121, "https://example.org"), "too_long"),
    (materials.AddLink("l", "4", "x", "https://example.org"), "material_session"),
    (materials.AddLink("l", "0", "x", "https://example.org"), "material_session"),
    (materials.AddLink("l", "one", "x", "https://example.org"), "material_session"),
    (file("f", kind="exe"), "bad_message"),
    (file("f", size=-1), "bad_message"),
    (file("f", size=201 * MB), "materials_budget"),
    (materials.RemoveMaterial("nope"), "material_unknown"),
])
def test_refusals(command: Command, code: str) -> None:
    with pytest.raises(Rejected) as caught:
        decide(Log().state, command, MENTOR)
    assert caught.value.code == code


def test_a_room_that_is_not_planned_has_no_sessions_to_add_to() -> None:
    with pytest.raises(Rejected, match="material_session"):
        decide(Log(planned=False).state, materials.AddLink("l", "1", "x", "https://example.org"), MENTOR)


def test_the_total_counts_every_file_of_the_trajectory() -> None:
    built = Log().run(file("f1", "1", size=150 * MB)).run(file("f2", "2", size=50 * MB))
    with pytest.raises(Rejected) as caught:
        decide(built.state, file("f3", "3", size=1), MENTOR)
    assert caught.value.code == "materials_budget" and caught.value.params == {"max": 200}
    built.run(materials.RemoveMaterial("f2")).run(file("f3", "3", size=50 * MB))  # room again


def test_full() -> None:
    built = Log()
    for i in range(materials.MATERIALS_MAX):
        built.run(materials.AddLink(f"l{i}", "1", f"link {i}", "https://example.org"))
    with pytest.raises(Rejected, match="materials_full"):
        decide(built.state, file("f"), MENTOR)


def test_erasure_of_a_participant_leaves_the_materials() -> None:
    built = Log().run(materials.AddLink("l1", "1", "Case", "https://example.org")).run(file("f1"))
    built.run(EraseParticipant("ann"), ANN)
    seqs, after = redaction_plan(CORE, built.log, "ann")
    assert [m.mid for m in after.part(materials.PART).items] == ["l1", "f1"]
    assert not any(isinstance(built.log[s - 1].event, (materials.LinkAdded, materials.FileAdded)) for s in seqs)
