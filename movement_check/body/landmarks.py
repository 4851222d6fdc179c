"""The 33 MediaPipe Pose (BlazePose) landmarks, their left/right pairs and the bones drawn between them.

Left and right are the person's own left and right, as MediaPipe labels them.
"""

from enum import IntEnum


class Landmark(IntEnum):
    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


N_LANDMARKS = len(Landmark)

#: lower-case names used in CSV columns and JSON ("left_heel", ...)
NAMES: tuple[str, ...] = tuple(lm.name.lower() for lm in Landmark)

FACE: tuple[Landmark, ...] = tuple(Landmark(i) for i in range(11))

#: the leg chain per side, hip to toe: the landmarks MediaPipe swaps in side views
LEFT_LEG = (Landmark.LEFT_HIP, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE,
            Landmark.LEFT_HEEL, Landmark.LEFT_FOOT_INDEX)
RIGHT_LEG = (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE,
             Landmark.RIGHT_HEEL, Landmark.RIGHT_FOOT_INDEX)
#: the body's two sides, the person's own left and right: the legs' names everywhere (a metric's side, a raise's
#: leg, a footprint's foot)
SIDES: tuple[str, str] = ("left", "right")
#: the other leg: OTHER["left"] = "right"
OTHER = {"left": "right", "right": "left"}
#: the leg chain by side name: LEG["left"] = (hip, knee, ankle, heel, toe)
LEG = {"left": LEFT_LEG, "right": RIGHT_LEG}
LEFT_ARM = (Landmark.LEFT_SHOULDER, Landmark.LEFT_ELBOW, Landmark.LEFT_WRIST,
            Landmark.LEFT_PINKY, Landmark.LEFT_INDEX, Landmark.LEFT_THUMB)
RIGHT_ARM = (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_ELBOW, Landmark.RIGHT_WRIST,
             Landmark.RIGHT_PINKY, Landmark.RIGHT_INDEX, Landmark.RIGHT_THUMB)

#: body landmarks that say where a person's trunk is (used to tell people apart)
TORSO = (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)


def _mirror_index(lm: Landmark) -> Landmark:
    name = lm.name
    if name.startswith("LEFT_"):
        return Landmark["RIGHT_" + name[5:]]
    if name.startswith("RIGHT_"):
        return Landmark["LEFT_" + name[6:]]
    if name == "MOUTH_LEFT":
        return Landmark.MOUTH_RIGHT
    if name == "MOUTH_RIGHT":
        return Landmark.MOUTH_LEFT
    return lm


#: MIRROR[i] is the index of landmark i's counterpart on the other side (itself for the nose)
MIRROR: tuple[int, ...] = tuple(int(_mirror_index(lm)) for lm in Landmark)

#: bones drawn on the annotated video: (from, to)
BONES: tuple[tuple[Landmark, Landmark], ...] = (
    (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP),
    (Landmark.LEFT_SHOULDER, Landmark.LEFT_ELBOW),
    (Landmark.LEFT_ELBOW, Landmark.LEFT_WRIST),
    (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_ELBOW),
    (Landmark.RIGHT_ELBOW, Landmark.RIGHT_WRIST),
    (Landmark.LEFT_HIP, Landmark.LEFT_KNEE),
    (Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
    (Landmark.LEFT_ANKLE, Landmark.LEFT_HEEL),
    (Landmark.LEFT_HEEL, Landmark.LEFT_FOOT_INDEX),
    (Landmark.LEFT_ANKLE, Landmark.LEFT_FOOT_INDEX),
    (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE),
    (Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE),
    (Landmark.RIGHT_ANKLE, Landmark.RIGHT_HEEL),
    (Landmark.RIGHT_HEEL, Landmark.RIGHT_FOOT_INDEX),
    (Landmark.RIGHT_ANKLE, Landmark.RIGHT_FOOT_INDEX),
)
