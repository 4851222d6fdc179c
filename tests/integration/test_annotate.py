"""Annotated stills: the skeleton drawn and every face found blurred (real clip with two people)."""

import cv2
import numpy as np
import pytest

from movement_check.analysis import prepare
from movement_check.pipeline.annotate import annotated_stills, face_boxes, preview_frames
from movement_check.pipeline.video import ClipReader

from tests.fixtures.clips import SAMPLE_TWO_PEOPLE

pytestmark = pytest.mark.slow


def _fine_detail_kept(before: np.ndarray, after: np.ndarray, box) -> float:
    """Correlation of the box's fine detail (what a 2 px blur removes: eyes, mouth) before and after."""
    x0, y0, x1, y1 = box

    def fine(img):
        grey = cv2.cvtColor(np.ascontiguousarray(img[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY).astype(float)
        return (grey - cv2.GaussianBlur(grey, (0, 0), 2)).ravel()
    a, b = fine(before), fine(after)
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-9))


def test_preview_stills_blur_every_face_found_and_draw_the_skeleton():
    prepared = prepare(SAMPLE_TWO_PEOPLE, subject="walker")
    everyone = prepared.everyone
    wanted = preview_frames(prepared.poses, 3)
    seen = np.flatnonzero(prepared.poses.frames_with_person)
    assert len(wanted) == 3 and set(wanted) <= set(seen) and wanted[-1] - wanted[0] > 0.4 * (seen[-1] - seen[0])
    stills = annotated_stills(SAMPLE_TWO_PEOPLE, prepared.poses, everyone, wanted)
    nobody = prepared.poses.with_arrays(image=np.full_like(prepared.poses.image, np.nan))
    blurred_only = annotated_stills(SAMPLE_TWO_PEOPLE, nobody, everyone, wanted)    # no skeleton over the faces
    originals = {f.index: cv2.cvtColor(f.bgr, cv2.COLOR_BGR2RGB) for f in ClipReader(SAMPLE_TWO_PEOPLE)
                 if f.index in wanted}
    faces = 0
    for index, still, blurred in zip(wanted, stills, blurred_only):
        original = originals[index]
        assert still.shape == original.shape and not np.array_equal(still, blurred)        # the skeleton is drawn
        for box in face_boxes(everyone[index], (original.shape[1], original.shape[0])):
            faces += 1
            assert _fine_detail_kept(original, blurred, box) < 0.2, (index, box)          # the face's detail is gone
            assert _fine_detail_kept(original, original, box) > 0.99                       # (the measure itself)
    assert faces >= 3
