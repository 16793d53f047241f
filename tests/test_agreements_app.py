"""Group agreements over real websockets: proposals from phones, the mentor fixes the list, each
participant accepts on their own socket, only the mentor sees who accepted, the projector shows
the list, a revisit asks again; erasure takes a person's proposal out of the SQLite file."""

from __future__ import annotations

from starlette.testclient import TestClient

from server.settings import Settings
from tests.appkit import csrf, exported, join, live, mentions, new_session, projector_path
from tests.test_trajectory_app import PLAN, _join, _sqlite_bytes


def group(client: TestClient) -> tuple[object, str]:
    browsers, code = new_session(client, "Group")
    with live(browsers, "mentor", f"/ws/m/{code}?page=trajectory") as mentor:
        mentor.ok(**PLAN)
    _join(browsers, code, "ann")
    _join(browsers, code, "bo")
    return browsers, code


def test_propose_fix_accept_privately_project_and_revisit(client: TestClient) -> None:
    browsers, code = group(client)
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, live(browsers, "ann", f"/ws/s/{code}") as ann, \
            live(browsers, "bo", f"/ws/s/{code}") as bo:
        ann.ok(cmd="agreement_propose", text="Phones away <script>")
        assert "Phones away &lt;script&gt;" in mentor.until("Phones away")
        bo.until("Phones away")
        mentor.ok(cmd="agreements_fix", items="Phones away\nStart on time")
        ann.until("I accept these agreements")
        ann.ok(cmd="agreements_accept", round="1")
        assert "You accepted these agreements." in ann.until("You accepted these agreements.")
        frame = mentor.until("1 participant accepted")
        assert "1 participant accepted: Ann" in frame and "Not yet: Bo" in frame
        mentor.ok(cmd="projector", view="agreements", ref="")
        bo_frames = "".join(bo.frames)
        assert "participant accepted" not in bo_frames and "Not yet" not in bo_frames
    stage = browsers.as_("mentor").get(projector_path(browsers, code)).text
    assert "Our agreements" in stage and "Start on time" in stage and not mentions(stage, "Ann")
    bo_page = browsers.as_("bo").get(f"/s/{code}").text
    assert "I accept these agreements" in bo_page and "accepted: Ann" not in bo_page
    # Revisit: a changed list asks everyone again.
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor, live(browsers, "ann", f"/ws/s/{code}") as ann:
        mentor.ok(cmd="agreements_fix", items="Phones away\nStart on time\nCameras on when online")
        ann.until("Cameras on when online")
        ann.send(cmd="agreements_accept", round="1")
        assert "The agreements changed" in ann.done()
    data = exported(browsers, code)["agreements"]
    assert data["round"] == 2 and data["accepted_by"] == []


def test_refusals_in_dutch(client: TestClient) -> None:
    browsers, code = new_session(client, "Groep", language="nl")
    join(browsers.as_("ann"), code, "Ann")  # a single session: no welcome page
    with live(browsers, "ann", f"/ws/s/{code}") as ann:
        ann.send(cmd="agreements_accept", round="1")
        assert "De mentor heeft de afspraken nog niet vastgesteld." in ann.done()
        ann.send(cmd="agreement_propose", text="x" * 201)
        assert "Jouw voorstel mag hoogstens 200 tekens lang zijn." in ann.done()
        ann.send(cmd="agreements_fix", items="x")
        assert "Alleen de mentor kan dat doen." in ann.done()
    assert exported(browsers, code)["agreements"]["proposals"] == []


def test_erasure_takes_my_proposal_from_the_store_file(client: TestClient, settings: Settings) -> None:
    browsers, code = group(client)
    with live(browsers, "ann", f"/ws/s/{code}") as ann:
        ann.ok(cmd="agreement_propose", text="Annemarie's secret proposal")
    with live(browsers, "mentor", f"/ws/m/{code}") as mentor:
        mentor.ok(cmd="agreements_fix", items="Start on time")
    with live(browsers, "ann", f"/ws/s/{code}") as ann:
        ann.ok(cmd="agreements_accept", round="1")
    assert b"Annemarie's secret proposal" in _sqlite_bytes(settings.data_dir)
    ann_client = browsers.as_("ann")
    done = ann_client.post(f"/s/{code}/erase", data={"csrf": csrf(ann_client, f"/s/{code}/trajectory"),
                                                     "confirm": "yes"})
    assert "Your data has been deleted" in done.text
    assert b"Annemarie's secret proposal" not in _sqlite_bytes(settings.data_dir)
    assert b"AgreementsAccepted" not in _sqlite_bytes(settings.data_dir)
    data = exported(browsers, code)["agreements"]
    assert data["proposals"] == [] and data["accepted_by"] == [] and data["items"] == ["Start on time"]
