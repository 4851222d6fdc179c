"""The patient's analysed video on the therapist's page: moving video over WebRTC, still pictures otherwise.

Moving video: the visit's video track (:meth:`movement_check.live.visits.Visit.video_track`, every picture
the server analysed, skeleton drawn; while a step's result is worked out, the camera's pictures unanalysed, at
most ``REST_FPS`` a second) played by a receive-only ``webrtc_streamer``; streamlit-webrtc relays
the track (aiortc's ``MediaRelay``) to each therapist page watching. Its connection uses the configured
media addresses only, like the patient's camera. While it plays, no still picture is made for this page.

Still pictures (the fallback: connecting, a connection that failed, a browser without WebRTC, the
patient's camera stopped): the newest picture handed back (analysed, unless resting) as a JPEG, each time
the live panel refreshes.
The page says which of the two is shown.

The player sits in the page's own script; what is shown under it is a fragment run a few times a second.
"""

from __future__ import annotations

import streamlit as st
import streamlit_webrtc          # looked up on each call (tests replace webrtc_streamer, which needs a browser)
from streamlit_webrtc import WebRtcMode

from movement_check.config import LiveConfig
from movement_check.live.stream import REST_FPS, STOPPED_S, LiveView
from movement_check.live.visits import Visit

from app_pages.camera import media_addresses_problem

# not mirrored (the therapist sees the patient as the camera does); at most 400 px high, like the patient's
VIEWER = {"style": {"width": "100%", "maxHeight": "400px", "objectFit": "contain"},
          "autoPlay": True, "controls": False, "muted": True}
MOVING = "Moving video"
STILL = "Still pictures"
#: what the pictures are while the preview rests (:meth:`LiveStream.resting`)
RESTING = "not analysed while the step's result is worked out"
REFRESH_S = 0.4              # the therapist's live panels run again this often
# the player's frame on this page (the only WebRTC component the therapist's page has)
HIDE_PLAYER = "iframe[title*='webrtc'] { height: 0 !important; visibility: hidden; }"


def video_player(visit: Visit, config: LiveConfig):
    """The receive-only player of the visit's video track; its streamlit-webrtc context, or None when the
    media addresses rule out any connection (the page then says why).

    Called by the page's script itself, not in a fragment, at a place that does not move: the player's
    events (the connection offer, playing) then rerun the whole page and are never dropped as a fragment's
    can be while the page runs, and the browser keeps the same player (and connection) from run to run.
    Mounted from the start of the visit, so its connection is up before the patient's pictures come."""
    problem = media_addresses_problem(config)
    if problem is not None:
        st.error(f"No video can reach this page: {problem}")
        return None
    return streamlit_webrtc.webrtc_streamer(
        key=f"therapist-video-{visit.number}", mode=WebRtcMode.RECVONLY, rtc_configuration=config.rtc_configuration,
        media_stream_constraints={"video": True, "audio": False}, source_video_track=visit.video_track(),
        desired_playing_state=True, video_html_attrs=VIEWER)


def moving_video(visit: Visit, player, view: LiveView) -> bool:
    """The moving video plays on this page: its connection is up (``player``, the context
    :func:`video_player` returned) and the patient's pictures are coming and going out on the track."""
    playing = bool(player is not None and player.state.playing)
    return playing and view.streaming and visit.video_track().sent_within(STOPPED_S)


@st.fragment(run_every=REFRESH_S)
def video_state(visit: Visit, player) -> None:
    """Under the player: which of moving video and still pictures is in use; the still picture when it is.
    No still picture is made while the moving video plays."""
    view = visit.stream.view()
    if moving_video(visit, player, view):
        st.caption(f"{MOVING} of the patient's camera, {RESTING} (at most {REST_FPS:.0f} pictures a second)"
                   if view.resting else
                   f"{MOVING} of the patient's camera, as analysed ({view.processed_fps:.0f} pictures a second)")
        return
    # the player has nothing to show (connecting, or no picture going out): its empty box is hidden, not
    # removed, so that its connection carries on; the still picture below stands in for it
    st.html(f"<style>{HIDE_PLAYER}</style>")
    jpeg = visit.stream.snapshot_jpeg()
    if not jpeg:                     # no picture yet: the live panel says what it waits for
        return
    st.image(jpeg, width="stretch")
    why = ("the moving video cannot start" if player is None
           else "the moving video is not playing" + (": no picture comes from the patient" if view.camera_lost
                                                    else ", connecting" if not player.state.playing
                                                    else ", no picture has gone out yet"))
    shown = (f"The last picture, {view.silent_s:.0f} s ago" if view.camera_lost
             else f"{STILL} of the patient's camera, "
             + (RESTING if view.resting else "as analysed")
             + f", refreshed {1 / REFRESH_S:.1f} times a second")
    st.caption(f"{shown} ({why}).")
