"""How much video one receiver can take, from its own bandwidth reports (issue 16).

Without simulcast the relay cannot send a weak receiver a smaller picture; what it can do is send
it fewer pictures. Each receiver's browser reports what it can take (REMB, the receiver's
estimate of the bandwidth available, in bits per second) and what it loses (the fraction lost in
its receiver reports). From these a `Budget` decides which of the video streams forwarded to
everyone this receiver gets, in the room's order of priority (the room, screens, the turn, then
speakers): audio is always sent and counted first, because a receiver on a link too thin for
its video used to lose a third of its audio as well.

- Cut: when the estimate falls and stays clearly below what the allowed streams need
  (`CUT_BELOW`; an estimate that is still growing, as after a join, is no sign) while some packets
  are lost, or when the loss alone stays above `LOSS_CUT`, for `CUT_AFTER_S`, the lowest-priority
  stream is paused for this receiver; one at a time, at most every `CUT_AFTER_S`.
- Probe: a receiver's estimate follows what it receives, so it never says "more" by itself. After
  `PROBE_S` (doubling after each failed probe, up to `PROBE_MAX_S`) the highest-priority paused
  stream is tried again; for `PROBE_FAIL_S` only loss can cut it (the estimate needs time to
  grow), and a cut then counts as a failed probe.

Pure: the caller passes the time (monotonic seconds), the reports and the streams' bit rates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# A receiver's estimate follows what it gets (about 1.05x when all is well): it says "too much"
# by falling clearly below what is sent, not by failing to exceed it.
CUT_BELOW = 0.8
LOSS_CUT = 0.08  # loss alone that cuts
LOSS_HINT = 0.01  # loss that, with a falling estimate, cuts (an estimate alone is no proof: a
# receiver's estimator can dip while it ramps up; a loopback aiortc receiver said 384 kbit/s of
# a 1 Mbit/s stream that it got whole)
AUDIO_BPS = 48_000  # per forwarded audio stream, with packet overhead
CUT_AFTER_S = 1.0
# A probe on a link that cannot take the stream costs its audio a second or two of loss (video
# arrives in bursts the relay does not pace): probe seldom.
PROBE_S = 20.0
PROBE_MAX_S = 160.0
PROBE_FAIL_S = 4.0
LOSS_SMOOTHING = 0.5


@dataclass
class Budget:
    estimate: float | None = None  # bits per second; None until the receiver reports
    falling: bool = False  # the last estimate was lower than the one before: the link is full
    losses: dict[str, float] = field(default_factory=dict)  # smoothed fraction lost, per stream
    paused: list[str] = field(default_factory=list)  # video keys held back, most recent last
    _short_since: float | None = None  # since when the link has been too short
    _last_change: float = float("-inf")
    _probe_wait: float = PROBE_S
    _probed_at: float | None = None
    cuts: int = 0
    probes: int = 0

    @property
    def loss(self) -> float:
        """The worst loss among the streams still sent: one stream that loses a fifth of its
        packets (the audio, squeezed between video bursts) is the news, not the average."""
        return max((v for k, v in self.losses.items() if k not in self.paused), default=0.0)

    def report(self, bitrate: float | None = None, fraction_lost: float | None = None, stream: str = "") -> None:
        """A receiver report: a REMB estimate (bits per second) and/or the fraction of `stream`
        lost (0..1)."""
        if bitrate is not None and bitrate > 0:
            # An estimate that is still growing (after a join or a probe) says nothing about the
            # link; one that falls does (the receiver saw its queue grow).
            self.falling = self.estimate is not None and bitrate < self.estimate * 0.98
            self.estimate = float(bitrate)
        if fraction_lost is not None:
            before = self.losses.get(stream, fraction_lost)
            self.losses[stream] = LOSS_SMOOTHING * before + (1 - LOSS_SMOOTHING) * fraction_lost

    def allowed(self, video: Sequence[str], rates: Mapping[str, float], audio_streams: int,
                now: float) -> list[str]:
        """The video streams (keys, highest priority first) this receiver gets now."""
        self.paused = [k for k in self.paused if k in video]
        for key in self.paused:
            self.losses.pop(key, None)  # a held stream's last loss is no news about the link
        sending = [k for k in video if k not in self.paused]
        needed = AUDIO_BPS * audio_streams + sum(rates.get(k, 0.0) for k in sending)
        # While a probe runs the estimate still reflects the smaller stream set (it follows what
        # arrives): only loss can fail a probe then.
        probing = self._probed_at is not None and now - self._probed_at <= PROBE_FAIL_S
        thin = (self.estimate is not None and self.falling and self.estimate < needed * CUT_BELOW
                and self.loss > LOSS_HINT and not probing)
        short = bool(sending) and (self.loss > LOSS_CUT or thin)
        if short:
            if self._short_since is None:
                self._short_since = now
            if now - self._short_since >= CUT_AFTER_S and now - self._last_change >= CUT_AFTER_S:
                self.paused.append(sending[-1])
                self.cuts += 1
                if self._probed_at is not None and now - self._probed_at <= PROBE_FAIL_S:
                    self._probe_wait = min(self._probe_wait * 2, PROBE_MAX_S)  # the probe failed
                self._probed_at = None
                self._last_change = now
                self._short_since = now
        else:
            self._short_since = None
            if self._probed_at is not None and now - self._probed_at > PROBE_FAIL_S:
                self._probe_wait = PROBE_S  # the probe held: the next one may come sooner
                self._probed_at = None
            if self.paused and now - self._last_change >= self._probe_wait:
                best = min(self.paused, key=video.index)
                self.paused.remove(best)
                self.probes += 1
                self._probed_at = now
                self._last_change = now
        return [k for k in video if k not in self.paused]
