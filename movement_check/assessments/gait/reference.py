"""Published reference values for gait, each with its source (see ../shared/CLINICAL.md).

Where no validated cut-off exists the value is reported without a flag, and
the note says so.
"""

#: cadence of healthy adults at comfortable speed, steps/min (CLINICAL.md: "about 100-120")
CADENCE_NORMAL = (100.0, 120.0)
CADENCE_SOURCE = "healthy adults at comfortable speed walk at about 100-120 steps/min"

#: stance share of the gait cycle at normal speed (~60 %); stance % ~ 64.2 - 3.5 x speed (m/s)
STANCE_NORMAL = (57.0, 65.0)
STANCE_SOURCE = "about 60 % stance / 40 % swing at normal speed (stance % = 64.2 - 3.5 x speed)"

#: double support ~20 % of the cycle, rising with age and slowness
DOUBLE_SUPPORT_NORMAL = (15.0, 25.0)
DOUBLE_SUPPORT_SOURCE = "about 20 % of the cycle in healthy adults; rises with age and slower walking"

#: symmetry index cut-off: a convention, not a validated threshold
SYMMETRY_LIMIT = 10.0
SYMMETRY_SOURCE = ("the common 10 % cut-off is a convention, not a validated threshold: "
                   "compare with the patient's earlier visits")

#: stride-time variability of healthy adults (Gabell & Nayak 1984)
STRIDE_CV_LIMIT = 6.0
STRIDE_CV_SOURCE = "healthy adults below about 6 % (Gabell & Nayak 1984); needs many strides to be reliable"

#: gait speed (Bohannon & Williams Andrews 2011; Perry et al. 1995)
SPEED_NORMAL = (0.94, 1.43)
SPEED_SOURCE = ("healthy adults 0.94-1.43 m/s by age and sex (Bohannon 2011); below 1.0 m/s high risk; "
                "below 0.8 limited community walker, below 0.4 household walker (Perry 1995)")

#: stiff-knee gait (from stroke data)
KNEE_SWING_MIN = 44.0
KNEE_SWING_DIFF = 17.0
KNEE_SOURCE = "stiff-knee gait if peak swing knee flexion < ~44 deg or left/right difference > 17 deg (stroke data)"

#: what one side-view camera achieves (Stenum et al. 2021, OpenPose vs motion capture)
ONE_CAMERA_NOTE = ("one camera: step time error ~0.02 s, knee angle ~5.6 deg, ankle ~7 deg "
                   "(Stenum et al. 2021, side view vs motion capture)")
