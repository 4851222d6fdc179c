"""A test's figures by the test's name, as the app, the report and the command line ask for them.

The drawing itself is in each test's figures module (:mod:`movement_check.assessments.gait.figures`, ...), named by each test's descriptor
(:mod:`movement_check.assessments`); this module only looks the test up, so that the two do not import each
other.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

from movement_check.assessments import BY_NAME, settings_for
from movement_check.body.poses import Poses


def figures_for(test: str, poses: Poses, *, analysis=None, **options) -> dict[str, Figure]:
    """The figures of one test by name (empty for a test without figures yet).

    ``analysis``: the test's analysis the result came from (``Result.analysis``, with the same ``options``),
    drawn rather than analysed again; without it (a result read back from the record) the test's analysis
    is made here."""
    described = BY_NAME.get(test)
    if described is None or described.figures is None:
        return {}
    return described.figures(poses, settings_for(test, options), analysis)


def figure_pngs(test: str, poses: Poses, *, dpi: int = 110, analysis=None, **options) -> dict[str, bytes]:
    """:func:`figures_for` rendered to PNG bytes, by name (for the app's pages)."""
    out = {}
    for name, fig in figures_for(test, poses, analysis=analysis, **options).items():
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=dpi)
        out[name] = png.getvalue()
    return out
