"""How much video one receiver can take, from its own bandwidth reports (issue 16).

A camera may come in layers (simulcast by hand: the page publishes the full track and a 320x180,
~150 kbit/s copy beside it, and the room's 1280x720 camera a 640x360, ~500 kbit/s copy too,
web/static/media.js); a screen share, or a publisher that sends no copy, has one. Each
receiver's browser reports what it can take (REMB, the receiver's estimate of the bandwidth
available, in bits per second) and what it loses (the fraction lost in its receiver reports).
From these a `Budget` decides, for each of the video streams forwarded to everyone, which layer
this receiver gets (`HIGH`, `MID`, `LOW`) or whether it is held back (`HELD`), in the room's order
of priority (the room, screens, the turn, then speakers): audio is always sent and counted first,
because a receiver on a link too thin for its video used to lose a third of its audio as well.

- Cut: when the estimate stays below what the streams as sent need (with `FULL_BELOW` to spare:
  a full link's estimate is about what it carries) while some packets are lost
  (`LOSS_HINT`; an estimate that is still growing, as after a join, is no sign), or when the
  loss alone stays above `LOSS_CUT`, for `CUT_AFTER_S`, one stream goes one step down: first
  every stream that has a low layer goes to it (lowest priority first), then streams are held
  (lowest priority first). One step at a time, at most every `CUT_AFTER_S`.
- Up: a receiver's estimate follows what it receives, so it never says "more" by itself. Only
  after `UP_AFTER_S` of good reports without a break (and `PROBE_S` since the last step,
  doubling after each failed try, up to `PROBE_MAX_S`) one stream goes one step up: the reverse
  order (held streams come back first, highest priority first; then low layers go up to the
  middle one, or high where there is none; then middle layers go high). For
  `PROBE_FAIL_S` only loss can cut it (the estimate needs time to grow), and a cut then counts
  as a failed try. So a receiver on a link that wobbles does not flap between layers.

Audio redundancy (RED, red.py) for a receiver whose browser accepted it: `redundancy` gives each
audio packet one earlier frame when the receiver loses 2 % or more, two from 10 %, but only while
its estimate leaves room for the extra bytes: a lossy Wi-Fi (the estimate stays well above what
arrives) gets it, a link that loses because it is full does not (more bytes would only lose
more). It goes off again after `RED_OFF_AFTER_S` without loss. Its cost counts in `needed`.

Pure: the caller passes the time (monotonic seconds), the reports and the streams' bit rates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# A receiver's estimate follows what it gets (about 1.05x when all is well): below what is sent
# it says "too much" only with loss beside it, and only when it has stopped growing.
LOSS_CUT = 0.08  # loss alone that cuts
LOSS_HINT = 0.01  # loss that, with an estimate below the need, cuts (an estimate alone is no proof: a
# receiver's estimator can dip while it ramps up; a loopback aiortc receiver said 384 kbit/s of
# a 1 Mbit/s stream that it got whole)
# Per forwarded audio stream as the link carries it: Opus at about 32 kbit/s in 50 packets a
# second, each with ~66 bytes of headers (forward.PACKET_OVERHEAD). Measured with tc on the thin
# link test's veth: two voices and one 112 kbit/s layer took 232 kbit/s.
AUDIO_BPS = 60_000
# What one earlier frame in every audio packet adds (RED): Opus at about 32 kbit/s, and a 4-byte
# block header 50 times a second.
RED_BPS = 34_000
RED_ON_LOSS = 0.02
RED_TWO_LOSS = 0.10
RED_OFF_AFTER_S = 10.0
# A link that loses while its receiver estimates less than this times what it is sent is full.
# Its estimate settles at about the link's rate, which is about what is sent: comparing with the
# need alone is a coin toss there (a CI run: 2.2 % audio loss on a 350 kbit/s link that carried
# 351 while the estimate stayed just above the need). A healthy Chromium receiver estimates well
# above what it gets (its estimator may grow to 1.5x the incoming rate), so loss beside it (a
# lossy Wi-Fi) cuts nothing.
FULL_BELOW = 1.1
CUT_AFTER_S = 1.0
# The last picture a receiver still gets (the room's, at its low layer, on a thin link) is held
# only when the link stays short this long: one burst of loss (a keyframe) is no reason to leave
# someone with name cards only.
HOLD_LAST_AFTER_S = 4.0
# A probe on a link that cannot take the stream costs its audio a second or two of loss (video
# arrives in bursts the relay does not pace): probe seldom.
PROBE_S = 20.0
PROBE_MAX_S = 160.0
UP_AFTER_S = 10.0  # good reports without a break before any step up (hysteresis: no flapping)
PROBE_FAIL_S = 4.0
# After a step, reports cover a time before it for a while: a receiver report's loss is that since
# the stream's previous report (Chromium reports audio every few seconds), so a loss counts only
# when the interval it covers began after the step, and an estimate only after SETTLE_S.
# Otherwise one burst of loss cut every stream in turn, one a second (seen on a 350 kbit/s link:
# both cameras held where the room's low layer fitted).
SETTLE_S = 1.5
LOSS_SMOOTHING = 0.5


HIGH, MID, LOW, HELD = "high", "mid", "low", "held"  # what a receiver gets of one video stream
_DOWN = (MID, LOW, HELD)  # the steps down, in the order they are taken over all streams


@dataclass
class Budget:
    estimate: float | None = None  # bits per second; None until the receiver reports
    growing: bool = False  # the last estimate was clearly higher than the one before: no judge yet
    losses: dict[str, float] = field(default_factory=dict)  # smoothed fraction lost, per stream
    down: dict[str, str] = field(default_factory=dict)  # streams not sent whole: key -> LOW or HELD
    probe_s: float = PROBE_S  # the first wait after a step before a step up (tests shorten it)
    up_after_s: float = UP_AFTER_S
    _short_since: float | None = None  # since when the link has been too short
    _good_since: float | None = None  # since when the reports have been good without a break
    _last_change: float = float("-inf")
    _probe_wait: float = 0.0
    _probed_at: float | None = None
    _reported_at: dict[str, float] = field(default_factory=dict)  # each stream's last loss report
    needed: float = 0.0  # bits per second of what it is sent now (audio and the video layers)
    cuts: int = 0
    probes: int = 0
    red_distance: int = 0  # earlier frames in each audio packet to this receiver (0: plain)
    _red_quiet_since: float | None = None

    def __post_init__(self) -> None:
        self._probe_wait = self.probe_s

    def forget(self, stream: str) -> None:
        """`stream` is no longer sent to this receiver (its line was re-pointed or went idle):
        its last loss is no news about the link any more."""
        self.losses.pop(stream, None)
        self._reported_at.pop(stream, None)

    @property
    def paused(self) -> list[str]:
        """The streams held back, most recently held last."""
        return [k for k, v in self.down.items() if v == HELD]

    @property
    def loss(self) -> float:
        """The worst loss among the streams still sent: one stream that loses a fifth of its
        packets (the audio, squeezed between video bursts) is the news, not the average."""
        return max((v for k, v in self.losses.items() if self.down.get(k) != HELD), default=0.0)

    def report(self, bitrate: float | None = None, fraction_lost: float | None = None, stream: str = "",
               now: float | None = None) -> None:
        """A receiver report: a REMB estimate (bits per second) and/or the fraction of `stream`
        lost (0..1), received at `now` (None: taken whenever it came, as in the unit tests)."""
        if now is not None:
            if bitrate is not None and bitrate > 0 and now - self._last_change < SETTLE_S:
                self.estimate, self.growing = float(bitrate), True  # not yet news about the new set
                bitrate = None
            if fraction_lost is not None:
                since, self._reported_at[stream] = self._reported_at.get(stream), now
                if since is None or since < self._last_change:
                    fraction_lost = None  # (part of) its interval was before the last step
        if bitrate is not None and bitrate > 0:
            # An estimate that is still growing (after a join or a probe) says nothing about the
            # link; one that falls does (the receiver saw its queue grow).
            self.growing = self.estimate is not None and bitrate > self.estimate * 1.02
            self.estimate = float(bitrate)
        if fraction_lost is not None:
            before = self.losses.get(stream, fraction_lost)
            self.losses[stream] = LOSS_SMOOTHING * before + (1 - LOSS_SMOOTHING) * fraction_lost

    def allowed(self, video: Sequence[str], rates: Mapping[str, float], audio_streams: int,
                now: float) -> list[str]:
        """The video streams (keys, highest priority first) this receiver gets now, for streams
        without a low layer."""
        layers = self.layers(video, rates, {}, audio_streams, now)
        return [k for k in video if layers[k] != HELD]

    def layers(self, video: Sequence[str], rates: Mapping[str, float], low_rates: Mapping[str, float],
               audio_streams: int, now: float, mid_rates: Mapping[str, float] | None = None) -> dict[str, str]:
        """Which layer of each video stream (keys, highest priority first) this receiver gets now.
        `rates` are the streams' full rates, `low_rates` and `mid_rates` those of the low and
        middle layers where there are."""
        ladder = {LOW: low_rates, MID: mid_rates or {}}
        # A stream gone is forgotten; one whose layer went (its publisher stopped sending it) goes
        # to the next layer down it still has, or is held: the link was too thin for the one above.
        self.down = {k: self._still(k, v, ladder) for k, v in self.down.items() if k in video}
        for key in self.paused:
            self.losses.pop(key, None)  # a held stream's last loss is no news about the link
        sending = [k for k in video if self.down.get(k) != HELD]
        needed = self.needed = (AUDIO_BPS + RED_BPS * self.red_distance) * audio_streams + sum(
            ladder[self.down[k]].get(k, 0.0) if k in self.down else rates.get(k, 0.0) for k in sending)
        # While a probe runs the estimate still reflects the smaller stream set (it follows what
        # arrives): only loss can fail a probe then.
        probing = self._probed_at is not None and now - self._probed_at <= PROBE_FAIL_S
        # A link too thin for what it is sent: an estimate that no longer grows and is below the
        # need, or not clearly above it (FULL_BELOW), while packets go on being lost. A full
        # link's receiver estimates about the link's rate (340 kbit/s on a 350 kbit/s link sent
        # 400) and loses 2-3 % for as long as nothing changes, under LOSS_CUT.
        thin = (self.estimate is not None and not self.growing and self.estimate < FULL_BELOW * needed
                and self.loss > LOSS_HINT and not probing)
        short = bool(sending) and (self.loss > LOSS_CUT or thin)
        if short:
            self._good_since = None
            if self._short_since is None:
                self._short_since = now
            last = len(sending) == 1 and not self._below(sending[0], ladder)  # its next step is a hold
            wait = HOLD_LAST_AFTER_S if last and not probing else CUT_AFTER_S  # a failed try goes at once
            if now - self._short_since >= wait and now - self._last_change >= CUT_AFTER_S:
                self._step_down(video, ladder)
                self.losses.clear()  # news about the set before the step (see SETTLE_S)
                self.cuts += 1
                if self._probed_at is not None and now - self._probed_at <= PROBE_FAIL_S:
                    self._probe_wait = min(self._probe_wait * 2, PROBE_MAX_S)  # the probe failed
                self._probed_at = None
                self._last_change = now
                self._short_since = now
        else:
            self._short_since = None
            if self.loss > LOSS_HINT:
                self._good_since = None  # some loss, not enough to cut: not enough to go up either
            elif self._good_since is None:
                self._good_since = now
            if self._probed_at is not None and now - self._probed_at > PROBE_FAIL_S:
                self._probe_wait = self.probe_s  # the probe held: the next one may come sooner
                self._probed_at = None
            if (self.down and self._good_since is not None and now - self._good_since >= self.up_after_s
                    and now - self._last_change >= self._probe_wait):
                self._step_up(video, ladder)
                self.probes += 1
                self._probed_at = now
                self._last_change = now
        return {k: self.down.get(k, HIGH) for k in video}

    def redundancy(self, audio_streams: int, now: float) -> int:
        """How many earlier frames each audio packet to this receiver should carry now (see the
        module's text); call it after `layers`, whose `needed` it reads."""
        loss = self.loss
        want = 2 if loss >= RED_TWO_LOSS else 1 if loss >= RED_ON_LOSS else 0
        if want == 0:
            if loss > LOSS_HINT or not self.red_distance:
                self._red_quiet_since = None  # some loss still: keep what there is
                return self.red_distance
            if self._red_quiet_since is None:
                self._red_quiet_since = now
            if now - self._red_quiet_since >= RED_OFF_AFTER_S:
                self.red_distance = 0
                self._red_quiet_since = None
            return self.red_distance
        self._red_quiet_since = None
        base = self.needed - RED_BPS * self.red_distance * audio_streams
        while want and self.estimate is not None \
                and self.estimate < FULL_BELOW * (base + RED_BPS * want * audio_streams):
            want -= 1  # no room for it: a full link
        self.red_distance = want
        return want

    def _below(self, key: str, ladder: Mapping[str, Mapping[str, float]]) -> list[str]:
        """The layers `key` has below the one it gets now."""
        now = self.down.get(key, HIGH)
        start = 0 if now == HIGH else _DOWN.index(now) + 1
        return [step for step in _DOWN[start:] if step != HELD and key in ladder[step]]

    @staticmethod
    def _still(key: str, layer: str, ladder: Mapping[str, Mapping[str, float]]) -> str:
        """`layer` of `key` if the stream still has it, else the next one down it has (HELD)."""
        for step in _DOWN[_DOWN.index(layer):]:
            if step == HELD or key in ladder[step]:
                return step
        return HELD

    def _step_down(self, video: Sequence[str], ladder: Mapping[str, Mapping[str, float]]) -> None:
        """Lowest priority first: every stream to its middle layer, then to its low one, then
        holds."""
        for step in _DOWN:
            for key in reversed(video):
                if step == HELD and self.down.get(key) != HELD or step in self._below(key, ladder):
                    self.down.pop(key, None)
                    self.down[key] = step  # (re)inserted last: the most recent hold
                    if step != HELD:
                        self.losses.pop(key, None)  # the layer above's loss is no news about this one
                    return

    def _step_up(self, video: Sequence[str], ladder: Mapping[str, Mapping[str, float]]) -> None:
        """The reverse of `_step_down`: held streams come back first (to their lowest layer),
        highest priority first; then low layers go up a layer; then middle layers go high."""
        for step in reversed(_DOWN):
            for key in video:
                if self.down.get(key) != step:
                    continue
                above = [s for s in reversed(_DOWN[:_DOWN.index(step)]) if key in ladder[s]]
                if above:
                    self.down[key] = above[0]  # the cheaper try first
                else:
                    del self.down[key]
                return
