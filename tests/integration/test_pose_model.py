"""Finding and checking the pose model bundle."""

import shutil

import pytest

from movement_check.errors import InputError
from movement_check.pipeline.pose_model import KNOWN_MODELS, MODEL_DIR_ENV, resolve_model

from tests.fixtures.clips import REPO, SHARED


def test_full_model_is_found_and_checked_with_no_configuration():
    model = resolve_model("full")
    assert model.path == REPO / "models" / "pose_landmarker_full.task"
    assert model.sha256 == KNOWN_MODELS["full"][1]


def test_a_path_to_a_known_bundle_is_recognised(tmp_path):
    copy = tmp_path / "my_model.task"
    shutil.copy(REPO / "models" / "pose_landmarker_full.task", copy)
    model = resolve_model(str(copy))
    assert model.name == "full" and model.path == copy


def test_damaged_bundle_says_how_to_restore_it(tmp_path, monkeypatch):
    damaged = tmp_path / "pose_landmarker_full.task"
    data = bytearray((REPO / "models" / "pose_landmarker_full.task").read_bytes())
    data[5000] ^= 0xFF
    damaged.write_bytes(bytes(data))
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path))
    with pytest.raises(InputError, match="damaged.*git checkout models/"):
        resolve_model("full")


def test_missing_path_and_not_a_bundle(tmp_path):
    with pytest.raises(InputError, match="No model file"):
        resolve_model(str(tmp_path / "nope.task"))
    junk = tmp_path / "junk.task"
    junk.write_bytes(b"not a model")
    with pytest.raises(InputError, match="not a MediaPipe Pose Landmarker model bundle"):
        resolve_model(str(junk))


@pytest.mark.skipif(not (SHARED / "models" / "pose_landmarker_lite.task").exists(),
                    reason="../shared/models not beside the checkout")
def test_lite_is_found_beside_the_checkout():
    assert resolve_model("lite").sha256 == KNOWN_MODELS["lite"][1]


def test_missing_bundled_model_says_how_to_restore_it(tmp_path, monkeypatch):
    import movement_check.pipeline.pose_model as pm

    monkeypatch.setattr(pm, "model_dirs", lambda: [tmp_path / "models", tmp_path / "shared"])
    with pytest.raises(InputError, match="missing.*git checkout models/") as caught:
        resolve_model("full")
    assert "\n" not in str(caught.value)
    with pytest.raises(InputError, match="lite pose model is not installed"):
        resolve_model("lite")
