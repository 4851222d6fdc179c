"""Reference values for foot rotation, with their sources (../shared/CLINICAL.md, Foot rotation)."""

#: adults' foot progression angle while walking: mean about +10 deg, normal range about -3 to +20 deg
FPA_NORMAL = (-3.0, 20.0)
FPA_SOURCE = ("normal foot progression angle about -3 to +20 deg, mean about +10 (Staheli et al. 1985, "
              "J Bone Joint Surg Am 67:39-47); outside: in-toeing (below) or out-toeing (above)")
ONE_CAMERA_SOURCE = ("one camera measures rotation poorly: even 8-camera markerless systems err by more than "
                     "10 deg in the transverse plane (Theia3D, children): compare left with right and one visit "
                     "with the next, from the same camera set-up")

__all__ = ["FPA_NORMAL", "FPA_SOURCE", "ONE_CAMERA_SOURCE"]
