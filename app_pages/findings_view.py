"""The top of a test's result: its confidence badge and findings, then the metrics as a readable table.

The words come from the package (:mod:`movement_check.findings.summary`, :mod:`movement_check.findings.confidence`,
:mod:`movement_check.findings.metric_table`); this file only draws them.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from movement_check.findings.confidence import GOOD, LIMITED, confidence
from movement_check.findings.summary import ABNORMAL, NORMAL, NOT_MEASURED, READING, UNSURE, UNUSABLE, findings
from movement_check.findings.metric_table import COLUMNS, display_rows

#: a finding's kind as a coloured tag (Streamlit's markdown badges)
TAGS = {ABNORMAL: ":red-background[**abnormal**]", UNSURE: ":orange-background[**check**]",
        NORMAL: ":green-background[**normal**]", READING: ":blue-background[**reading**]",
        NOT_MEASURED: ":gray-background[**not measured**]", UNUSABLE: ":red-background[**not usable**]"}
FLAGGED_ROW = "background-color: #fde2e2"
FLAG_CELL = "color: #a00000; font-weight: 700"
ROW_PX, HEADER_PX = 35, 38
#: the horizontal scroll bar the wide Note column brings
SCROLLBAR_PX = 16
#: the Flag column: about 6 px a character of its bold text (Source Sans at 14 px; 172 px for "high (within its
#: uncertainty)" in Chromium), with room to spare, within these bounds
FLAG_CHAR_PX, FLAG_MIN_PX, FLAG_MAX_PX = 6.5, 60, 220
VALUE_MIN_PX, VALUE_MAX_PX = 140, 260
#: tables up to this many rows are drawn whole (no scrolling inside the page)
WHOLE_TABLE_ROWS = 40


def show_findings(result: dict) -> None:
    """Confidence badge (green / amber / red with its reason), then the findings, most important first."""
    conf = confidence(result)
    text = f"**Confidence: {conf.level}** — {escape_markdown(conf.reason)}"
    if conf.reasons and conf.basis:
        text += f"  \n_What the values rest on: {escape_markdown(conf.basis.removeprefix('from '))}._"
    if conf.level in (GOOD, LIMITED):
        (st.success if conf.level == GOOD else st.warning)(text)
    else:                 # red, but not an st.error: that is kept for what went wrong in the app itself
        with st.container(border=True):
            st.markdown(text.replace(f"**Confidence: {conf.level}**", f":red[**Confidence: {conf.level}**]", 1))
    found = findings(result, conf)
    # how sure each finding is: the badge above says it once for all (each finding's ``sure`` is the basis)
    st.markdown("\n".join(f"- {TAGS[f.kind]} {escape_markdown(f.text)}"
                          + (f" — _{escape_markdown(f.sure)}_" if f.sure and f.sure != conf.basis else "")
                          for f in found))


def show_metrics_table(result: dict, *, notes: bool = True) -> None:
    """Every metric: flagged rows first and shaded, the flag in red, blanks for nothing; whole up to 40 rows.
    ``notes``: the notes in full in an expander below (off inside another expander, which Streamlit refuses)."""
    rows = display_rows(result)
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    styled = frame.style.apply(lambda row: [FLAGGED_ROW if row["Flag"] else ""] * len(row), axis=1) \
        .map(lambda v: FLAG_CELL if v else "", subset=["Flag"])
    height = HEADER_PX + ROW_PX * len(rows) + SCROLLBAR_PX if len(rows) <= WHOLE_TABLE_ROWS else "auto"
    st.dataframe(styled, hide_index=True, height=height, use_container_width=True,
                 column_config={"Flag": st.column_config.TextColumn("Flag", width=flag_width(rows)),
                                "Measure": st.column_config.TextColumn("Measure", width=240),
                                "Side": st.column_config.TextColumn("Side", width=60),
                                "Value": st.column_config.TextColumn("Value", width=value_width(rows)),
                                "Normal range": st.column_config.TextColumn("Normal range", width=130),
                                "Note": st.column_config.TextColumn("Note", width="large",
                                                                    help="Why a value is missing, its source and "
                                                                         "how it was measured (in full below)")})
    full = [(r["Measure"] + (f" ({r['Side']})" if r["Side"] else ""), r["Note"]) for r in rows if r["Note"]]
    if notes and full:
        with st.expander("Notes in full"):
            st.markdown("\n".join(f"- **{escape_markdown(what)}**: {escape_markdown(note)}" for what, note in full))


def flag_width(rows: list[dict[str, str]]) -> int:
    """The Flag column's width in pixels: its longest flag whole ("high (within its uncertainty)" was cut to
    "high (withi" in a "small" column), at least the header's."""
    longest = max((len(r["Flag"]) for r in rows), default=0)
    return int(max(FLAG_MIN_PX, min(FLAG_MAX_PX, FLAG_CHAR_PX * longest + 24)))


def value_width(rows: list[dict[str, str]]) -> int:
    """The Value column's width in pixels: its longest value whole ("93.0 steps/min ± 5.3 steps/min" was cut to
    "93.0 steps/min ± 5.3 ste" at 140 px), within VALUE_MIN_PX-VALUE_MAX_PX."""
    longest = max((len(r["Value"]) for r in rows), default=0)
    return int(max(VALUE_MIN_PX, min(VALUE_MAX_PX, FLAG_CHAR_PX * longest + 24)))


def escape_markdown(text: str) -> str:
    """Markdown-safe, shown as typed: the notes hold "*", "_", "<" and "~", and a patient's answer may start
    with "-" or "1." (a list in a table's cell) or hold ":red[...]" (Streamlit's colours), which would
    otherwise format or vanish."""
    for ch in ("\\", "*", "_", "`", "<", ">", "~", "[", "]", "$", "#", "|", ":"):
        text = text.replace(ch, "\\" + ch)
    text = re.sub(r"^(\s*)([-+])", r"\1\\\2", text, flags=re.MULTILINE)        # "- sitting": not a bullet
    return re.sub(r"^(\s*\d+)([.)])", r"\1\\\2", text, flags=re.MULTILINE)   # "1. lifting": not a list
