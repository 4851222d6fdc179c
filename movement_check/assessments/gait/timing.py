"""How precisely a clip lets steps be timed: each event's uncertainty, and what the camera delivered.

Events are found at frames, so their error scales with the frame interval. Measured on the labelled real
clips (``benchmarks/gait_accuracy.py``, labels by eye, frame by frame): side-view heel strikes and toe-offs
fall within 2 frames of the labels in 86-100 % of cases with a median error under 1 frame (a step-to limp
excepted, see the README); the front view puts heel strikes 2-3 frames early (the foot's terminal-swing
top stands in for contact, which the camera cannot see; measured -1.9 to -3.1 frames, and +2 where the
walker slowed down), toe-offs within 2 frames. The stated uncertainty
of an event is that window in frames and in milliseconds at the clip's own frame rate.

What the camera delivered decides which timing is worth giving. A browser under load sends as few as 7-15
frames a second with stalls of several hundred milliseconds; a person far away is a few dozen pixels tall.

- Stance, swing and double support are differences of events a fraction of a stride apart: a 2-frame error
  is 7 % of a 1.1 s stride at 25 fps, 18 % at 10 fps, against a normal range 8 % wide (stance 57-65 %). They
  need ``MIN_FPS_PHASES`` frames a second.
- Step and stride times, their symmetry and variability need ``MIN_FPS_TIMING`` (at 15 fps a 2-frame error
  is 0.13 s; the symmetry cut-off is 10 % of a ~0.55 s step).
- Cadence is from the typical stride over many steps (:func:`.step_timing.cadence_metrics`) and held within 3 % down to 12 fps on the labelled clips
  (``MIN_FPS_CADENCE``; the step-to limp was 5-6 % off at 9-10 fps). Frames that arrive unevenly (more than
  ``MAX_UNEVEN`` of the intervals over 1.5 times the usual one, e.g. a browser under load) need
  ``MIN_FPS_TIMING`` for it too: a stall can swallow a whole step, and with 30 % of a 15 or 20 fps clip's
  frames dropped at random the labelled walks' cadence was 6-33 % off (a treadmill walk -10 %, the limp -33 %).
- Below ``MIN_LEG_PX`` pixels from hip to ankle nothing is timed (the feet are a few pixels long).
- Front view only: frames that arrive unevenly (more than ``MAX_UNEVEN_FRONT`` of the intervals over 1.5
  times the usual one) are not timed: the foot's height and pitch change slowly and a missing frame moves
  their turning points (30 % of frames dropped at random put the studio walk's cadence 13 % off; the side
  view held within 3 %).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from movement_check.body.poses import Poses
from movement_check.assessments.result import Metric
from movement_check.body.views import SIDE
from movement_check.body.body_size import leg_length_px
from movement_check.body.walking import Bout

MIN_FPS_PHASES = 20.0
MIN_FPS_TIMING = 15.0
MIN_FPS_CADENCE = 11.5     # a 12 fps clip measures 11.9-12.0 over a walk
#: a camera within this share of MIN_FPS_TIMING or MIN_FPS_PHASES delivers it (MIN_FPS_CADENCE has its own
#: slack): frames over time of an exact 20 fps clip add up to 19.999999999999996 a second (the synthetic walker's
#: did, and its stance was withheld "needing 20"), and a clip's millisecond timestamps or one frame lost in a walk
#: move it by as much
RATE_SLACK = 0.01
#: side view: frames arriving this unevenly below MIN_FPS_TIMING give no cadence either
MAX_UNEVEN = 0.1
MIN_LEG_PX = 25.0
#: a pause in the frames longer than this inside a walk can hide a whole event
MAX_STALL_S = 0.25

#: event error windows in frames (detected minus true), from the labelled clips
SIDE_WINDOW = (-2.0, 2.0)
FRONT_HEEL_STRIKE_WINDOW = (-4.0, 2.0)
#: front view: frames arriving this unevenly (share of intervals over 1.5 x the usual one) are not timed
MAX_UNEVEN_FRONT = 0.1

PHASE_METRICS = ("stance", "swing", "double_support")
TIMING_METRICS = ("step_time", "stride_time", "step_time_symmetry_index", "step_time_asymmetry", "stride_time_cv")


@dataclass(frozen=True)
class Delivery:
    """What the camera delivered while the person walked."""

    fps: float                # frames a second inside the walking bouts (frames over time: stalls count)
    longest_interval_s: float
    leg_px: float
    uneven: float = 0.0       # share of frame intervals over 1.5 x the usual one

    def to_dict(self) -> dict:
        return {"frames_per_second": round(self.fps, 1),
                "longest_frame_interval_ms": round(1000 * self.longest_interval_s),
                "uneven_intervals": round(self.uneven, 2), "leg_length_px": round(self.leg_px)}


def delivery(poses: Poses, bouts: list[Bout]) -> Delivery:
    intervals = [np.diff(poses.times[b.start:b.stop]) for b in bouts if b.stop - b.start > 1]
    dt = np.concatenate(intervals) if intervals else np.zeros(0)
    if dt.size == 0:
        return Delivery(fps=float("nan"), longest_interval_s=0.0, leg_px=leg_length_px(poses))
    uneven = float(np.mean(dt > 1.5 * np.median(dt)))
    return Delivery(fps=dt.size / float(dt.sum()), longest_interval_s=float(dt.max()), leg_px=leg_length_px(poses),
                    uneven=uneven)


def steady(d: Delivery) -> bool:
    """Whether the camera delivered MIN_FPS_TIMING frames a second or more, evenly (MAX_UNEVEN) and without a
    stall (MAX_STALL_S): then a heel strike left out was not lost to the camera, and advice on it is not given."""
    return bool(np.isfinite(d.fps) and not below(d.fps, MIN_FPS_TIMING) and d.uneven <= MAX_UNEVEN
                and d.longest_interval_s <= MAX_STALL_S)


def withheld(d: Delivery, view: str | None = None, *, rhythm: bool = False) -> dict[str, str]:
    """Metric name -> why it is not given, for what this delivery cannot time. ``rhythm``: the cadence is the
    feet's rhythm, taken over the frames' own times whatever came late or went missing (:mod:`.rhythm`): withheld
    only where the same frames coming evenly would withhold a cadence (too few a second, the walker too small)."""
    out: dict[str, str] = {}
    if view not in (None, SIDE) and d.uneven > MAX_UNEVEN_FRONT:       # front or mixed
        why = (f"{100 * d.uneven:.0f} % of the frames came late or were missing: from the front, steps are timed "
               "from slow changes of the feet's height that a missing frame moves; film at a steady frame rate")
        gone = {name: why for name in ("cadence",) + TIMING_METRICS + PHASE_METRICS}
        if rhythm:      # the rhythm's cadence is gated as the same camera's frames coming evenly would be
            gone.pop("cadence")
            gone.update({k: v for k, v in withheld(replace(d, uneven=0.0), view).items() if k == "cadence"})
        return gone
    if np.isfinite(d.leg_px) and d.leg_px < MIN_LEG_PX:
        why = (f"the person is {d.leg_px:.0f} pixels from hip to ankle: too small in the picture to time steps "
               f"(needs {MIN_LEG_PX:g}); film closer or at a higher resolution")
        return {name: why for name in ("cadence",) + TIMING_METRICS + PHASE_METRICS}
    if np.isfinite(d.fps) and (d.fps < MIN_FPS_CADENCE or (below(d.fps, MIN_FPS_TIMING) and d.uneven > MAX_UNEVEN)):
        needs = MIN_FPS_CADENCE if d.uneven <= MAX_UNEVEN else MIN_FPS_TIMING
        how = f"{rate(d.fps, needs)} frames a second" + (f", {100 * d.uneven:.0f} % of them late or missing"
                                                          if d.uneven > MAX_UNEVEN else "")
        steady = f", or {MIN_FPS_CADENCE:g} at a steady rate" if d.uneven > MAX_UNEVEN else ""
        why = (f"the camera delivered {how}: too few to count steps reliably (needs {needs:g} a second{steady}); "
               "film at a higher frame rate")
        return {name: why for name in ("cadence",) + TIMING_METRICS + PHASE_METRICS}
    if np.isfinite(d.fps) and below(d.fps, MIN_FPS_TIMING):
        why = (f"the camera delivered {rate(d.fps, MIN_FPS_TIMING)} frames a second: too few for step timing (needs "
               f"{MIN_FPS_TIMING:g})")
        out.update({name: why for name in TIMING_METRICS + PHASE_METRICS})
    elif np.isfinite(d.fps) and below(d.fps, MIN_FPS_PHASES):
        why = (f"the camera delivered {rate(d.fps, MIN_FPS_PHASES)} frames a second: too few for the phases of a "
               f"stride (needs {MIN_FPS_PHASES:g})")
        out.update({name: why for name in PHASE_METRICS})
    return out


def below(fps: float, needs: float) -> bool:
    """Fewer frames a second than ``needs``, beyond RATE_SLACK."""
    return fps < needs * (1 - RATE_SLACK)


def rate(fps: float, needs: float) -> str:
    """Frames a second as a person reads them beside what is needed: whole, unless that would round up to
    ``needs`` (14.7 read "15 frames a second: too few (needs 15)"); then cut to one decimal."""
    whole = f"{fps:.0f}"
    return whole if float(whole) < needs else f"{np.floor(10 * fps) / 10:.1f}"


def event_uncertainty(view: str, fps: float) -> dict[str, str]:
    """Each event kind's error window in frames and milliseconds at this frame rate."""
    def window(w: tuple[float, float], note: str) -> str:
        ms = (1000 * w[0] / fps, 1000 * w[1] / fps) if np.isfinite(fps) and fps > 0 else (np.nan, np.nan)
        return f"{w[0]:+g} to {w[1]:+g} frames ({ms[0]:+.0f} to {ms[1]:+.0f} ms){note}"
    if view != SIDE:                       # front, or mixed: the wider window
        return {"heel_strike": window(FRONT_HEEL_STRIKE_WINDOW, ": early, the foot's top in late swing stands in for "
                                                                 "the contact a front camera cannot see"),
                "toe_off": window(SIDE_WINDOW, "")}
    return {"heel_strike": window(SIDE_WINDOW, ""), "toe_off": window(SIDE_WINDOW, "")}


def timing_uncertainty(m: Metric, view: str, fps: float, stride_s: float | None) -> float | None:
    """+- for a timing metric: the widest event window (frames) as time, or as a share of the stride."""
    if m.value is None or not np.isfinite(fps) or fps <= 0:
        return None
    lo, hi = SIDE_WINDOW if view == SIDE else FRONT_HEEL_STRIKE_WINDOW
    frames = max(abs(lo), abs(hi))
    if m.name in ("step_time", "stride_time"):
        return round(frames / fps, 3)
    if m.name in PHASE_METRICS and stride_s:
        return round(100 * frames / fps / stride_s, 1)
    return None


def apply(metrics: list[Metric], d: Delivery, view: str, stride_s: float | None, *, rhythm: bool = False
          ) -> tuple[list[Metric], list[str]]:
    """Metrics with what this delivery cannot time withheld (and why), and timing uncertainties; warnings.
    ``rhythm``: the cadence is the feet's rhythm (:mod:`.rhythm`), not timed from single steps."""
    gone = withheld(d, view, rhythm=rhythm)
    out, reasons = [], []
    for m in metrics:
        if m.name in gone and m.value is not None:
            m = Metric.unmeasured(m.name, m.unit, gone[m.name], side=m.side)
            if gone[m.name] not in reasons:
                reasons.append(gone[m.name])
        elif m.uncertainty is None:
            u = timing_uncertainty(m, view, d.fps, stride_s)
            if u is not None:
                m = Metric(m.name, m.value, m.unit, side=m.side, normal_range=m.normal_range, flag=m.flag,
                           note=m.note, uncertainty=u)
        out.append(m)
    warnings = [f"not given: {why}" for why in reasons]
    if d.longest_interval_s > MAX_STALL_S:
        warnings.append(f"the camera stalled for up to {1000 * d.longest_interval_s:.0f} ms while the person walked: a "
                        "step in a stall can be missed")
    return out, warnings
