"""Published reference values for single-leg raises and stance, each with its source (../shared/CLINICAL.md).

Where no validated cut-off exists the value is reported without a flag and
the note says so. Coaching tolerances of the home-exercise form check are
the therapist's settings, not clinical cut-offs (see :mod:`form_check`).
"""

#: single-leg stance: unable to hold 5 s doubles the risk of injurious falls (Vellas et al. 1997)
SINGLE_LEG_MIN_S = 5.0
SINGLE_LEG_SOURCE = ("unable to stand 5 s on one leg doubles the risk of injurious falls in older people "
                     "(Vellas et al. 1997); eyes-closed norm at 18-39 years about 13 s (Springer et al. 2007)")

#: pelvic drop: no validated degree cut-off; a deliberate 4 deg drop already changes knee load
PELVIC_DROP_SOURCE = ("Trendelenburg sign: no validated degree cut-off (a deliberate 4 deg drop already "
                      "changes knee load); compare sides and visits")

TRUNK_LEAN_SOURCE = "no validated cut-off: compare sides and visits"

SWAY_SOURCE = ("path of the hip midpoint per second over the steady hold, in % of body height "
               "(height = leg length / 0.491, Drillis & Contini 1966); no validated cut-off for one camera")

#: supine active straight-leg raise (Mens et al. 2001): the patient scores difficulty 0-5 per side
ASLR_SOURCE = ("active straight-leg raise (Mens et al. 2001): lift the straight leg about 20 cm; the patient "
               "scores its difficulty 0-5 per side (positive if the total is 1 or more); the camera adds the "
               "leg's angle, whether the knee stayed straight, and the pain moments")

#: passive straight-leg raise (Lasegue): positive only with radiating leg pain between 30 and 70 deg
LASEGUE_RANGE = (30.0, 70.0)
LASEGUE_SOURCE = ("straight-leg raise (Lasegue) is positive only if radiating leg pain appears between 30 and "
                  "70 deg of hip flexion; back pain alone is negative (sensitivity 91 %, specificity 26 %)")

SYMMETRY_SOURCE = "SI = (right - left) / mean x 100; no validated cut-off: compare with earlier visits"
