"""Exports (issue 24): OpenSim .trc/.mot, FHIR R4, BIDS-Motion; each file parsed back and its numbers checked
against a synthetic walk with known marker positions and known joint angles (wrong axes, units, signs or frame
rate fail here), then loaded by OpenSim itself where the ``opensim`` package is installed and the FHIR bundle
validated by ``fhir.resources``."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import datetime, timezone

import numpy as np
import pytest

from movement_check.cli.main import main
from movement_check.errors import InputError
from movement_check.exports import bids, fhir, mot, parse_kinds, trc, write_exports
from movement_check.body.landmarks import NAMES
from movement_check.body.landmarks import Landmark as L

from tests.fixtures.clips import SHARED
from tests.fixtures.synthetic import walking_poses

FPS = 25.0                    # not the usual 30: a rate taken from anywhere but the times fails
PX_PER_M = 380.0


@pytest.fixture(scope="module")
def walk():
    return walking_poses(seconds=6.0, fps=FPS, px_per_m=PX_PER_M)


def mirrored(poses):
    """The same walk seen from the other side: walking to the LEFT of the image (x flipped; the depth too, as
    the other side of the body now faces the camera)."""
    w = poses.frame_size[0]
    image = poses.image.copy()
    image[..., 0] = w - image[..., 0]
    world = poses.world.copy()
    world[..., 0] *= -1
    return poses.with_arrays(image=image, world=world)


def true_angles(seconds=6.0, fps=FPS, cadence=110.0, hip_amp=20.0, knee_amp=55.0):
    """The synthetic walker's joint angles as it was drawn (tests/fixtures/synthetic.py), per side: hip (thigh forward of
    vertical), knee flexion, ankle dorsiflexion (90 deg minus the shank-foot angle), degrees."""
    t = np.arange(int(round(seconds * fps))) / fps
    out = {}
    for side, phase in (("left", 0.0), ("right", np.pi)):
        ph = 2 * np.pi * cadence / 120.0 * t + phase
        hip = np.radians(hip_amp) * np.sin(ph)
        knee = np.radians(5 + knee_amp * np.clip(np.sin(ph + np.pi / 3), 0, None) ** 2)
        shank_down = hip - knee                         # the shank's angle from straight down, + forward
        up_shank = -np.column_stack([np.sin(shank_down), np.cos(shank_down)])     # ankle -> knee, image (x, y)
        foot = np.array([0.22, 0.02])                                             # heel -> toe
        cos = (up_shank @ foot) / np.linalg.norm(foot)
        out[side] = {"hip": np.degrees(hip), "knee": np.degrees(knee),
                     "ankle": 90.0 - np.degrees(np.arccos(np.clip(cos, -1, 1)))}
    return t, out


def _opensim():
    """OpenSim's Python package (the test is skipped without it), its log kept out of the working folder."""
    opensim = pytest.importorskip("opensim")
    opensim.Logger.removeFileSink()              # it would write opensim.log into the current folder
    return opensim


# ---------------------------------------------------------------------------------------------------- TRC
def read_trc(text: str):
    """A strict TRC reader: the header's five lines exactly, then one row per frame (empty cells = NaN)."""
    lines = text.split("\n")
    assert lines[0].split("\t")[:3] == ["PathFileType", "4", "(X/Y/Z)"]
    keys = lines[1].split("\t")
    assert keys == ["DataRate", "CameraRate", "NumFrames", "NumMarkers", "Units", "OrigDataRate",
                    "OrigDataStartFrame", "OrigNumFrames"]
    header = dict(zip(keys, lines[2].split("\t"), strict=True))
    names_row = lines[3].split("\t")
    assert names_row[:2] == ["Frame#", "Time"]
    names = names_row[2::3]
    assert all(c == "" for i, c in enumerate(names_row[2:]) if i % 3)
    assert lines[4].split("\t") == ["", ""] + [f"{a}{i}" for i in range(1, len(names) + 1) for a in "XYZ"]
    assert lines[5] == ""
    rows = [line.split("\t") for line in lines[6:] if line]
    assert len(rows) == int(header["NumFrames"]) and len(names) == int(header["NumMarkers"])
    frames = [int(r[0]) for r in rows]
    times = np.array([float(r[1]) for r in rows])
    xyz = np.array([[float(c) if c else np.nan for c in r[2:]] for r in rows]).reshape(len(rows), len(names), 3)
    return header, names, frames, times, xyz


def test_trc_holds_the_world_landmarks_y_up_in_metres_at_the_clip_times(walk):
    header, names, frames, times, xyz = read_trc(trc.trc_text(walk, file_name="walk.trc"))
    assert header["Units"] == "m" and float(header["DataRate"]) == pytest.approx(FPS)
    assert float(header["CameraRate"]) == pytest.approx(FPS)
    assert names == list(NAMES) and frames == list(range(1, len(walk) + 1))
    np.testing.assert_allclose(times, walk.times, atol=1e-6)
    # known answers from the drawing: the nose is above the hips and the ankles below (Y up); the thigh is
    # 0.45 m long (metres, not pixels or millimetres); the left leg is nearer the camera (Z toward it)
    assert np.all(xyz[:, L.NOSE, 1] > 0.6) and np.all(xyz[:, L.LEFT_ANKLE, 1] < -0.5)
    thigh = np.linalg.norm(xyz[:, L.LEFT_KNEE] - xyz[:, L.LEFT_HIP], axis=1)
    np.testing.assert_allclose(thigh, 0.45, atol=1e-4)
    np.testing.assert_allclose(xyz[:, L.LEFT_KNEE, 2], 20 / PX_PER_M, atol=1e-6)
    np.testing.assert_allclose(xyz[:, L.RIGHT_KNEE, 2], -20 / PX_PER_M, atol=1e-6)
    # X is the image's right: the swinging left knee is ahead (+X, the walk goes right) when the hip flexes
    _, truth = true_angles()
    ahead = truth["left"]["hip"] > 15
    assert np.all(xyz[ahead, L.LEFT_KNEE, 0] - xyz[ahead, L.LEFT_HIP, 0] > 0.1)
    np.testing.assert_allclose(xyz, walk.world * np.array([1, -1, -1]), atol=1e-6)


def unseen(poses):
    """The walk with the left heel and the last marker (right foot index) not seen in frame 3."""
    world = poses.world.copy()
    world[3, L.LEFT_HEEL] = np.nan
    world[3, L.RIGHT_FOOT_INDEX] = np.nan
    return poses.with_arrays(world=world)


def test_trc_writes_a_marker_not_seen_as_nan():
    _, _, _, _, xyz = read_trc(trc.trc_text(unseen(walking_poses(seconds=1.0, fps=FPS))))
    assert np.isnan(xyz[3, L.LEFT_HEEL]).all() and np.isnan(xyz[3, L.RIGHT_FOOT_INDEX]).all()
    assert np.isfinite(xyz[3, L.RIGHT_HEEL]).all() and np.isfinite(xyz[2, L.RIGHT_FOOT_INDEX]).all()


def test_opensim_reads_the_trc(walk, tmp_path):
    opensim = _opensim()
    path = tmp_path / "walk.trc"
    path.write_text(trc.trc_text(unseen(walk), file_name=path.name))      # a last marker not seen, too
    table = opensim.TimeSeriesTableVec3(str(path))
    assert table.getNumRows() == len(walk) and table.getNumColumns() == 33
    assert table.getTableMetaDataAsString("Units") == "m"
    assert float(table.getTableMetaDataAsString("DataRate")) == pytest.approx(FPS)
    assert list(table.getColumnLabels()) == list(NAMES)
    np.testing.assert_allclose(list(table.getIndependentColumn()), walk.times, atol=1e-6)
    row = table.getRowAtIndex(10)
    knee = row[int(L.LEFT_KNEE)]
    np.testing.assert_allclose([knee.get(0), knee.get(1), knee.get(2)], walk.world[10, L.LEFT_KNEE] * [1, -1, -1],
                               atol=1e-6)
    assert np.isnan(table.getRowAtIndex(3)[int(L.RIGHT_FOOT_INDEX)].get(0))


# ---------------------------------------------------------------------------------------------------- MOT
def read_mot(text: str):
    head, _, body = text.partition("endheader\n")
    meta = dict(line.split("=", 1) for line in head.splitlines()[1:] if "=" in line)
    rows = list(csv.reader(body.splitlines(), delimiter="\t"))
    columns = rows[0]
    values = np.array(rows[1:], dtype=float)
    assert int(meta["nRows"]) == len(values) and int(meta["nColumns"]) == len(columns)
    return meta, columns, values


@pytest.mark.parametrize("model, knee_sign", [("gait2392", -1.0), ("rajagopal", 1.0)])
def test_mot_angles_are_the_drawn_ones_under_opensims_names_and_signs(walk, model, knee_sign):
    meta, columns, values = read_mot(mot.poses_mot_text(walk, model=model))
    assert meta["inDegrees"] == "yes"
    assert columns == ["time", "hip_flexion_r", "knee_angle_r", "ankle_angle_r",
                       "hip_flexion_l", "knee_angle_l", "ankle_angle_l"]
    t, truth = true_angles()
    rows = np.round(values[:, 0] * FPS).astype(int)                 # the frames' own times: 1/25 s apart
    np.testing.assert_allclose(values[:, 0], t[rows], atol=1e-6)
    assert len(rows) > 0.6 * len(t)                                  # most of the walk is steady walking
    for side, s in (("right", "r"), ("left", "l")):
        got = dict(zip(columns, values.T))
        # hip: against the trunk, which the drawing tilts ~1 deg forward
        np.testing.assert_allclose(got[f"hip_flexion_{s}"], truth[side]["hip"][rows], atol=1.5)
        np.testing.assert_allclose(got[f"knee_angle_{s}"], knee_sign * truth[side]["knee"][rows], atol=0.05)
        np.testing.assert_allclose(got[f"ankle_angle_{s}"], truth[side]["ankle"][rows], atol=0.05)
    assert np.max(knee_sign * got["knee_angle_l"]) > 55 and np.ptp(got["hip_flexion_l"]) > 35      # a real swing


def test_mot_hip_flexion_keeps_its_sign_walking_the_other_way(walk):
    _, _, right_way = read_mot(mot.poses_mot_text(walk))
    _, _, left_way = read_mot(mot.poses_mot_text(mirrored(walk)))
    common = np.intersect1d(right_way[:, 0], left_way[:, 0])
    a = right_way[np.isin(right_way[:, 0], common)]
    b = left_way[np.isin(left_way[:, 0], common)]
    np.testing.assert_allclose(a, b, atol=1e-3)


def test_mot_needs_walking_across_the_camera():
    standing = walking_poses(seconds=3.0, fps=FPS, speed_px=0.0, hip_amplitude_deg=0.0, knee_amplitude_deg=0.0)
    with pytest.raises(mot.NoAngles, match="side view"):
        mot.poses_mot_text(standing)


def test_opensim_loads_the_mot_with_its_storage_and_table_readers(walk, tmp_path):
    opensim = _opensim()
    path = tmp_path / "walk.mot"
    text = mot.poses_mot_text(walk)
    path.write_text(text)
    _, columns, values = read_mot(text)
    storage = opensim.Storage(str(path))                 # what the GUI and tools use: it stops at a NaN
    assert storage.getSize() == len(values) and storage.isInDegrees()
    assert storage.getFirstTime() == pytest.approx(values[0, 0]) and storage.getLastTime() == pytest.approx(values[-1, 0])
    table = opensim.TimeSeriesTable(str(path))
    assert list(table.getColumnLabels()) == columns[1:]
    assert table.getDependentColumn("knee_angle_r").to_numpy() == pytest.approx(values[:, 2], abs=1e-4)


# --------------------------------------------------------------------------------------------------- FHIR
RESULT = {
    "test": "gait",
    "metrics": [
        {"name": "gait_speed", "value": 0.82, "unit": "m/s", "side": None, "normal_range": [0.94, 1.43],
         "flag": "low", "note": "scaled by the patient's height"},
        {"name": "cadence", "value": 104.5, "unit": "steps/min", "side": None, "normal_range": [100, 120],
         "flag": None, "note": None},
        {"name": "knee_flexion_swing_peak", "value": 38.2, "unit": "deg", "side": "left",
         "normal_range": [44, None], "flag": "low, asymmetric", "note": None},
        {"name": "steps", "value": 9, "unit": "count", "side": None, "normal_range": None, "flag": None,
         "note": None},
        {"name": "trunk_lateral_lean", "value": None, "unit": "deg", "side": None, "normal_range": None,
         "flag": None, "note": "needs a front view"},
    ],
}


def _observations(bundle):
    return {(e["resource"]["code"]["coding"][0]["code"], (e["resource"].get("bodySite") or {}).get("text")):
            e["resource"] for e in bundle["entry"]}


def test_fhir_bundle_is_valid_r4_and_holds_each_measured_metric_with_ucum_units():
    models = pytest.importorskip("fhir.resources.R4B.bundle")
    bundle = fhir.bundle([RESULT], patient_id="P-0042", effective="2026-11-30T09:15:00+00:00",
                         now=datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc))
    parsed = models.Bundle.model_validate(bundle)                       # raises on anything not FHIR
    broken = json.loads(json.dumps(bundle))
    broken["entry"][0]["resource"]["valueQuantity"]["value"] = "slow"
    with pytest.raises(ValueError):                                     # (the validator is not a formality)
        models.Bundle.model_validate(broken)
    assert parsed.type == "collection" and len(parsed.entry) == 4       # the unmeasured lean is left out
    obs = _observations(bundle)
    speed = obs["gait_speed", None]
    assert speed["status"] == "final" and speed["category"][0]["coding"][0]["code"] == "exam"
    assert speed["code"]["coding"][0]["system"] == fhir.CODE_SYSTEM
    assert speed["code"]["coding"][0]["display"] == "Walking speed"
    assert speed["valueQuantity"] == {"value": 0.82, "unit": "m/s", "system": "http://unitsofmeasure.org",
                                      "code": "m/s"}
    assert speed["referenceRange"][0]["low"]["value"] == 0.94 and speed["interpretation"][0]["coding"][0]["code"] == "L"
    assert speed["effectiveDateTime"] == "2026-11-30T09:15:00+00:00"
    assert obs["cadence", None]["valueQuantity"]["code"] == "{steps}/min"
    assert obs["steps", None]["valueQuantity"] == {"value": 9, "unit": "count", "system": "http://unitsofmeasure.org",
                                                   "code": "{count}"}
    knee = obs["knee_flexion_swing_peak", "left"]
    assert knee["valueQuantity"]["code"] == "deg" and knee["bodySite"]["coding"][0]["code"] == "7771000"
    assert knee["interpretation"][0]["coding"][0]["code"] == "A" and "high" not in knee["referenceRange"][0]
    for resource in obs.values():
        assert resource["subject"] == {"identifier": {"system": fhir.PATIENT_SYSTEM, "value": "P-0042"},
                                       "reference": "Patient/P-0042"}


def test_fhir_patient_is_a_pseudonym_only():
    bundle = fhir.bundle([RESULT], patient_id="P_0042")                  # '_' is no FHIR id: identifier only
    subject = bundle["entry"][0]["resource"]["subject"]
    assert subject == {"identifier": {"system": fhir.PATIENT_SYSTEM, "value": "P_0042"}}
    assert "name" not in json.dumps(bundle).lower().replace("display", "")
    anonymous = fhir.bundle([RESULT])
    assert "subject" not in anonymous["entry"][0]["resource"]
    assert "entry" not in fhir.bundle([{"test": "gait", "metrics": []}])         # FHIR has no empty arrays


# --------------------------------------------------------------------------------------------------- BIDS
def test_bids_files_read_back_with_their_channels_and_the_known_values(walk, tmp_path):
    files = bids.files(walk, subject="P-0042", task="gait", session=7)
    base = "sub-P0042/ses-7/motion/sub-P0042_ses-7_task-gait_tracksys-mediapipe"
    assert set(files) == {"dataset_description.json", f"{base}_motion.tsv", f"{base}_channels.tsv",
                          f"{base}_channels.json", f"{base}_motion.json"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    channels = list(csv.DictReader((tmp_path / f"{base}_channels.tsv").open(), delimiter="\t"))
    assert set(bids.CHANNEL_COLUMNS) <= set(channels[0])
    values = np.genfromtxt(tmp_path / f"{base}_motion.tsv", delimiter="\t", missing_values="n/a", filling_values=np.nan)
    assert values.shape == (len(walk), len(channels))                    # no header row; a column per channel
    col = {c["name"]: i for i, c in enumerate(channels)}
    knee_y = channels[col["left_knee_y"]]
    assert (knee_y["component"], knee_y["type"], knee_y["tracked_point"], knee_y["units"]) == (
        "y", "POS", "left_knee", "m")
    np.testing.assert_allclose(values[:, col["latency"]], walk.times - walk.times[0], atol=1e-6)
    np.testing.assert_allclose(values[:, col["left_knee_y"]], -walk.world[:, L.LEFT_KNEE, 1], atol=1e-6)
    np.testing.assert_allclose(values[:, col["left_knee_z"]], -walk.world[:, L.LEFT_KNEE, 2], atol=1e-6)
    _, truth = true_angles()
    knee = values[:, col["left_knee_flexion"]]
    seen = np.isfinite(knee)
    assert channels[col["left_knee_flexion"]]["type"] == "JNTANG" and channels[col["left_knee_flexion"]]["units"] == "deg"
    np.testing.assert_allclose(knee[seen], truth["left"]["knee"][seen], atol=0.05)        # + in flexion
    sidecar = json.loads((tmp_path / f"{base}_motion.json").read_text())
    assert {"TaskName", "SamplingFrequency", "TrackingSystemName"} <= set(sidecar)
    assert sidecar["SamplingFrequency"] == pytest.approx(FPS) and sidecar["TaskName"] == "gait"
    assert sidecar["POSChannelCount"] == 99 and sidecar["JNTANGChannelCount"] == 6
    assert sidecar["MotionChannelCount"] == len(channels)
    assert json.loads(files["dataset_description.json"])["BIDSVersion"] == "1.9.0"


# ----------------------------------------------------------------------------------------- the command line
def test_export_command_writes_each_format_from_a_saved_trajectory(walk, tmp_path, capsys):
    npz = walk.save(tmp_path / "walk.npz")
    out = tmp_path / "out"
    out.mkdir()
    code = main(["export", str(npz), "--trc", str(out / "w.trc"), "--mot", str(out / "w.mot"),
                 "--fhir", str(out / "w.json"), "--bids", str(out / "bids"), "--test", "gait",
                 "--patient", "P-0042"])
    assert code == 0, capsys.readouterr().err
    _, _, _, _, xyz = read_trc((out / "w.trc").read_text())
    np.testing.assert_allclose(xyz, walk.world * [1, -1, -1], atol=1e-6)
    _, columns, values = read_mot((out / "w.mot").read_text())
    assert values[:, columns.index("knee_angle_r")].max() <= 0                    # gait2392 by default
    bundle = json.loads((out / "w.json").read_text())
    assert bundle["resourceType"] == "Bundle" and any(
        e["resource"]["code"]["coding"][0]["code"] == "cadence" for e in bundle["entry"])
    assert (out / "bids" / "sub-P0042" / "motion" / "sub-P0042_task-gait_tracksys-mediapipe_motion.tsv").is_file()


def test_export_command_refuses_before_any_work(walk, tmp_path, capsys):
    npz = walk.save(tmp_path / "walk.npz")
    assert main(["export", str(npz)]) == 2
    assert "--trc" in capsys.readouterr().err
    assert main(["export", str(npz), "--trc", str(tmp_path / "no" / "w.trc")]) == 2
    assert main(["export", str(npz), "--fhir", str(tmp_path / "w.json"), "--patient", "Jane Doe"]) == 2
    assert not (tmp_path / "w.json").exists()
    standing = walking_poses(seconds=3.0, fps=FPS, speed_px=0.0, hip_amplitude_deg=0.0, knee_amplitude_deg=0.0)
    still = standing.save(tmp_path / "still.npz")
    assert main(["export", str(still), "--trc", str(tmp_path / "s.trc"), "--mot", str(tmp_path / "s.mot")]) == 2
    assert "side view" in capsys.readouterr().err
    assert not (tmp_path / "s.trc").exists()                              # all made before any is written


def test_export_kinds_and_write_exports(walk, tmp_path):
    assert parse_kinds("trc, FHIR,trc") == ("trc", "fhir")
    with pytest.raises(InputError, match="trc, mot, fhir, bids"):
        parse_kinds("trc,c3d")
    written, skipped = write_exports({"test": "gait", "metrics": RESULT["metrics"]}, walk, ("trc", "fhir", "bids"),
                                     tmp_path, "clip1", patient_id="P-1")
    assert skipped == {}
    assert {p.relative_to(tmp_path).as_posix() for p in written} >= {"clip1.trc", "clip1.fhir.json",
                                                                       "bids/dataset_description.json"}


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "videos").exists(), reason="../shared not beside the checkout")
def test_batch_export_writes_trc_and_fhir_for_a_short_clip(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    shutil.copy(SHARED / "videos" / "side_walk_home_normal.mp4", folder / "walk.mp4")
    out = tmp_path / "results.csv"
    assert main(["batch", str(folder), "--test", "gait", "--out", str(out), "--workers", "1",
                 "--export", "trc,fhir"]) == 0
    (row,) = list(csv.DictReader(out.open()))
    assert row["status"] == "ok" and row["reason"] == ""
    exports = tmp_path / "results-exports"
    header, _, _, times, xyz = read_trc((exports / "walk.trc").read_text())
    assert len(times) == 124 and float(header["DataRate"]) == pytest.approx(30.2, abs=0.5)
    assert np.nanmedian(xyz[:, L.NOSE, 1]) > np.nanmedian(xyz[:, L.LEFT_ANKLE, 1])         # Y up
    bundle = json.loads((exports / "walk.fhir.json").read_text())
    codes = {e["resource"]["code"]["coding"][0]["code"] for e in bundle["entry"]}
    assert "cadence" in codes and "subject" not in bundle["entry"][0]["resource"]
    models = pytest.importorskip("fhir.resources.R4B.bundle")
    models.Bundle.model_validate(bundle)


def test_export_command_names_the_bids_task_from_the_trajectory(walk, tmp_path):
    npz = walk.save(tmp_path / "walk.npz")
    assert main(["export", str(npz), "--bids", str(tmp_path / "ds"), "--quiet"]) == 0            # --test auto
    assert (tmp_path / "ds" / "sub-walk" / "motion" / "sub-walk_task-gait_tracksys-mediapipe_motion.json").is_file()
