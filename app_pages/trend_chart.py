"""One key metric over time as a chart that says something with one or two points: each point with its
value and date, the normal range shaded, and the change in words (:func:`movement_check.clinic.history.trend_caption`)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from movement_check.clinic.history import Series, trend_caption

BAND = "#2e7d32"
POINT = "#1f4e79"


def show_trend(series: Series) -> None:
    values = [p.value for p in series.points]
    frame = pd.DataFrame({"date": [p.when[:10] + (f" ({p.kind})" if p.kind != "visit" else "") for p in series.points],
                          "value": values, "label": [_short(v) for v in values]})
    low, high = series.normal or (None, None)
    bounds = values + [b for b in (low, high) if b is not None]
    span = (max(bounds) - min(bounds)) or max(1.0, abs(bounds[0]) * 0.2)
    top, bottom = max(bounds) + 0.25 * span, min(bounds) - 0.25 * span
    if series.unit == "/10":                 # a 0-10 score: its whole scale
        bottom, top = 0.0, 10.0
    scale = alt.Scale(domain=[bottom, top], zero=False)
    x = alt.X("date:O", title=None, axis=alt.Axis(labelAngle=0))
    layers = []
    if series.normal is not None:
        band = pd.DataFrame({"low": [bottom if low is None else low], "high": [top if high is None else high]})
        layers.append(alt.Chart(band).mark_rect(color=BAND, opacity=0.12)
                      .encode(y=alt.Y("low:Q", scale=scale, title=None), y2="high:Q"))
    base = alt.Chart(frame).encode(x=x, y=alt.Y("value:Q", scale=scale,
                                                 title=None if series.unit.startswith("/") else series.unit))
    layers += [base.mark_line(color=POINT), base.mark_point(color=POINT, filled=True, size=80),
               base.mark_text(dy=-12, color=POINT, fontWeight="bold").encode(text="label:N")]
    st.altair_chart(alt.layer(*layers).properties(height=190), use_container_width=True)
    normal = "" if series.normal is None else " Shaded: the normal range."
    st.caption(trend_caption(series) + normal)


def _short(v: float) -> str:
    """6 -> "6", 0.8 -> "0.8", 5.25 -> "5.25", 112.14 -> "112.1"."""
    text = f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
