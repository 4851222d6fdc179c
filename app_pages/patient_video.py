"""The patient's analysed video on the therapist's page: moving video over WebRTC, still pictures otherwise.

Moving video: the visit's video track (:meth:`movement_check.visits.Visit.video_track`, every picture
the server analysed, skeleton drawn) played by a receive-only ``webrtc_streamer``; streamlit-webrtc relays
the track (aiortc's ``MediaRelay``) to each therapist page watching. Its connection uses the configured
media addresses only, like the patient's camera. While it plays, no still picture is made for this page.

Still pictures (the fallback: connecting, a connection that failed, a browser without WebRTC, the
patient's camera stopped): the newest analysed picture as a JPEG, each time the live panel refreshes.
The page says which of the two is shown.
"""

from __future__ import annotations

import streamlit as st
import streamlit_webrtc          # looked up on each call (tests replace webrtc_streamer, which needs a browser)
from streamlit_webrtc import WebRtcMode

from movement_check.config import LiveConfig
from movement_check.live import STOPPED_S, LiveView
from movement_check.visits import Visit

from app_pages.camera import media_addresses_problem

# not mirrored (the therapist sees the patient as the camera does); at most 400 px high, like the patient's
VIEWER = {"style": {"width": "100%", "maxHeight": "400px", "objectFit": "contain"},
          "autoPlay": True, "controls": False, "muted": True}
MOVING = "Moving video"
STILL = "Still pictures"


def patient_video(visit: Visit, view: LiveView, config: LiveConfig, *, refresh_s: float) -> bool:
    """The patient's analysed video, once they have joined; True when the moving video plays (the still
    pictures, refreshed every ``refresh_s`` seconds, are shown otherwise)."""
    if not visit.joined:
        return False
    problem = media_addresses_problem(config)
    moving = False
    if problem is not None:
        st.error(f"No video can reach this page: {problem}")
    else:
        track = visit.video_track()
        context = streamlit_webrtc.webrtc_streamer(
            key=f"therapist-video-{visit.number}", mode=WebRtcMode.RECVONLY,
            rtc_configuration=config.rtc_configuration,
            media_stream_constraints={"video": True, "audio": False},
            source_video_track=track, desired_playing_state=True, video_html_attrs=VIEWER)
        # this page's connection is up, and pictures are coming and going out on the track
        moving = bool(context is not None and context.state.playing and view.streaming
                      and track.sent_within(STOPPED_S))
    if moving:
        st.caption(f"{MOVING} of the patient's camera, as analysed ({view.processed_fps:.0f} pictures a second)")
        return True
    jpeg = visit.stream.snapshot_jpeg()
    if not jpeg:                     # no picture yet: the panel says what it waits for
        return False
    st.image(jpeg, width="stretch")
    why = ("the moving video cannot start" if problem is not None
           else "the moving video is not playing" + (": the patient's camera stopped" if view.camera_lost
                                                    else ", connecting" if view.streaming else ""))
    shown = (f"The last picture, {view.silent_s:.0f} s ago" if view.camera_lost
             else f"{STILL} of the patient's camera, as analysed, refreshed {1 / refresh_s:.1f} times a second")
    st.caption(f"{shown} ({why}).")
    return False
