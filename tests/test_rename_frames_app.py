"""A rename sends only the regions that show the renamed person, checked in the raw frames of every
page of a session (the mentor's console, each phone, the projector) (issue 19).

In a session without successes and breakout groups, a rename used to send every phone its own copy
of both (each rendered per participant); it now sends the person's line of #presence (and their
own #me), and the mentor that person's line of the breakout groups' plan form, which lists who is
here (the whole console went, second round). Once the groups run, a rename of someone in one
reaches their group's phones only (every phone got its copy again, second round).
"""

from __future__ import annotations

from contextlib import ExitStack

from starlette.testclient import TestClient

from tests.appkit import BARRIER, Browsers, Live, exported, live, new_session, projector_path, regions

PEOPLE = [("ann", "Ann Room", "room"), ("bo", "Bo Room", "room"), ("cy", "Cy Room", "room"),
          ("di", "Di Room", "room")]
# The regions that show nobody in a session without wins and groups.
NOT_ABOUT_ANN = ("successes", "successes-console", "breakouts")


def _open(stack: ExitStack, browsers: Browsers, code: str) -> dict[str, Live]:
    sockets = {"mentor": stack.enter_context(live(browsers, "mentor", f"/ws/m/{code}")),
               "screen": stack.enter_context(live(browsers, "mentor", "/ws" + projector_path(browsers, code)))}
    for jar, _, _ in PEOPLE:
        sockets[jar] = stack.enter_context(live(browsers, jar, f"/ws/s/{code}"))
    return sockets


def _rename(sockets: dict[str, Live], name: str) -> dict[str, str]:
    """Ann renames herself; every socket's frames from then on, up to its answer to a barrier sent
    after the rename was handled (one socket's messages are handled in order, and a frame carries
    what changed with the notices that wait)."""
    marks = {who: len(socket.frames) for who, socket in sockets.items()}
    sockets["ann"].ok(cmd="profile", name=name, location="room")
    for who, socket in sockets.items():
        if who == "screen":  # the projector refuses every message, the barrier too
            socket.send(**BARRIER)
            assert "The projector only shows the session" in socket.done()
        else:
            socket.sync()
    return {who: "".join(socket.frames[marks[who]:]) for who, socket in sockets.items()}


def test_a_rename_sends_only_the_regions_that_show_that_person(client: TestClient) -> None:
    browsers, code = new_session(client, "Week 1", PEOPLE)
    pids = {p["name"]: p["id"] for p in exported(browsers, code)["participants"]}
    with ExitStack() as stack:
        s = _open(stack, browsers, code)
        s["mentor"].until_in("breakouts-console", "Di Room")  # everyone is here
        seen = _rename(s, "Ann Renamed")
        for who, frames in seen.items():
            for name in NOT_ABOUT_ANN:
                assert regions(frames, name) == [], (who, name)
            if who != "screen":
                assert "Ann Renamed" in frames, who  # her line of #presence
        # The plan form of the breakout groups lists who is here, by name: her line of it goes alone.
        assert regions(seen["mentor"], "breakouts-console") == []
        line = regions(seen["mentor"], f'bo-here-{pids["Ann Room"]}')
        assert len(line) == 1 and f'name="person" value="{pids["Ann Room"]}"' in line[0]
        assert "Ann Renamed" in line[0] and 'hx-swap-oob="outerMorph"' in line[0]

        # Two groups of two, running: Ann's rename reaches her group's phones.
        s["mentor"].ok(cmd="breakouts_plan", person=list(pids.values()), mode="random", size="2", task="Talk")
        s["mentor"].ok(cmd="breakouts_start", minutes="10")
        for jar, _, _ in PEOPLE:
            s[jar].until_in("breakouts", "Our wall")  # running, not the planned copy
        seen = _rename(s, "Ann Again")
        mates = [jar for jar, _, _ in PEOPLE if any("Ann Again" in copy for copy in regions(seen[jar], "breakouts"))]
        assert "ann" in mates and len(mates) == 2, mates
        # The other group's phones get no copy at all, the projector (on the join screen) its stage.
        assert [jar for jar, _, _ in PEOPLE if regions(seen[jar], "breakouts")] == mates
        assert regions(seen["screen"], "stage")
        assert "Ann Again" in regions(seen["mentor"], "breakouts-console")[0]
        wins = ("successes", "successes-console")
        assert all(regions(frames, name) == [] for frames in seen.values() for name in wins)

        # The projector on the timer names nobody: a rename leaves its stage alone.
        s["mentor"].ok(cmd="projector", view="timer", ref="")
        s["screen"].until_in("stage", "st-timer")
        seen = _rename(s, "Ann Third")
        assert regions(seen["screen"], "stage") == []
        assert "Ann Third" in regions(seen["mentor"], "breakouts-console")[0]
