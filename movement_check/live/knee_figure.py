"""The therapist's live figure: knee flexion per side over the last seconds, drawn with OpenCV.

Drawn as a small image a few times a second. A charting library was measured
to cost a fifth of the server's time at that rate (Altair's schema checks on
every redraw), time the live pose model needs; this costs about a millisecond.
"""

from __future__ import annotations

import cv2
import numpy as np

from movement_check.pipeline.annotate import LEFT_COLOUR, RIGHT_COLOUR

SIZE = (480, 180)           # width, height in pixels
MARGIN = (44, 10, 10, 24)   # left, top, right, bottom
RANGE_DEG = (-10.0, 90.0)


def knee_angles_image(times: list[float], angles: dict[str, list[float]], *,
                      window_s: float = 10.0, before_stop: bool = False) -> np.ndarray:
    """BGR image of left and right knee flexion (deg) against time over the last ``window_s`` seconds.

    ``times`` (s) and ``angles['left_knee']`` / ``['right_knee']`` as in
    :class:`movement_check.live.stream.LiveView`; NaN values leave gaps. ``before_stop``: the preview rests
    (nothing analysed since Stop), and the title says the angles are from before it.
    """
    w, h = SIZE
    left, top, right, bottom = MARGIN
    img = np.full((h, w, 3), 255, np.uint8)
    x0, x1, y0, y1 = left, w - right, top, h - bottom
    lo, hi = RANGE_DEG
    font = cv2.FONT_HERSHEY_SIMPLEX

    def y_of(deg: np.ndarray) -> np.ndarray:
        return y1 - (np.clip(deg, lo, hi) - lo) / (hi - lo) * (y1 - y0)

    for deg in (0, 30, 60, 90):
        y = int(round(float(y_of(np.array(deg)))))
        cv2.line(img, (x0, y), (x1, y), (225, 225, 225), 1)
        cv2.putText(img, f"{deg}", (4, y + 4), font, 0.4, (90, 90, 90), 1, cv2.LINE_AA)
    title = (f"knee flexion (deg), the {window_s:.0f} s before Stop" if before_stop
             else f"knee flexion (deg), last {window_s:.0f} s")
    cv2.putText(img, title, (x0 + 4, h - 7), font, 0.4, (90, 90, 90), 1, cv2.LINE_AA)
    if times:
        t = np.asarray(times, float)
        x = x1 - (t[-1] - t) / window_s * (x1 - x0)
        for name, colour in (("left_knee", LEFT_COLOUR), ("right_knee", RIGHT_COLOUR)):
            values = np.asarray(angles.get(name, []), float)
            if values.shape != t.shape:
                continue
            ok = np.isfinite(values) & (x >= x0)
            pts = np.stack([x, y_of(values)], axis=1)
            for run in np.split(np.arange(len(t)), np.flatnonzero(np.diff(ok.astype(int)) != 0) + 1):
                run = run[ok[run]]
                if len(run) > 1:
                    cv2.polylines(img, [pts[run].round().astype(np.int32)], False, colour, 2, cv2.LINE_AA)
    cv2.putText(img, "left", (x1 - 90, y0 + 12), font, 0.45, LEFT_COLOUR, 1, cv2.LINE_AA)
    cv2.putText(img, "right", (x1 - 45, y0 + 12), font, 0.45, RIGHT_COLOUR, 1, cv2.LINE_AA)
    return img
