"""Peer feedback and hybrid media, through a real server process: while a round runs, the media
relay pins the presenter (their camera and screen share always forwarded, their tile first for the
remote attendees), as it pins whoever has the turn in the queue; closing the round unpins them."""

from __future__ import annotations

import json
import re

import pytest

from bench.serverproc import ServerProcess
from tests.appkit import connect, join_server
from tests.mediakit import MediaClient, wait_for
from tests.test_media_app import server, session

pytestmark = pytest.mark.timeout(90)
__all__ = ["server"]  # the module's server process, shared with test_media_app's fixture


async def test_a_remote_presenter_is_pinned_while_the_round_runs(server: ServerProcess) -> None:
    code, _, mentor = session(server)
    remote = join_server(server, code, "Rik", "remote")
    async with connect(server, f"/media/s/{code}", remote) as rik_ws, \
            connect(server, f"/ws/m/{code}", mentor) as console:
        rik = MediaClient(rik_ws)
        try:
            rik_id = await wait_for(lambda: (rik.last("welcome") or {}).get("id"), what="welcome")
            assert rik_id.startswith("p:")
            await rik.publish(video=False)
            await console.send(json.dumps({"cmd": "feedback_start", "presenter": rik_id[2:],
                                           "criterion": ["Clarity"], "tops": "on"}))
            await wait_for(lambda: (rik.last("roster") or {}).get("pinned") == rik_id, what="Rik pinned")
            # Pinned as the presenter, not as someone with the turn: the tiles say "presents".
            assert (rik.last("roster") or {}).get("pinned_as") == "presenting"
            presentation = ""
            while not presentation:
                found = re.search(r'name="presentation" value="([^"]+)"', str(await console.recv()))
                presentation = found.group(1) if found else ""
            await console.send(json.dumps({"cmd": "feedback_close", "presentation": presentation}))
            await wait_for(lambda: (rik.last("roster") or {}).get("pinned") == "", what="Rik unpinned")
            assert (rik.last("roster") or {}).get("pinned_as") == ""
        finally:
            await rik.close()
