"""The patient's webcam as both patient pages ask for it (streamlit-webrtc): what to ask the browser for,
the patient's own view shown mirrored, like a mirror, and the addresses the video may use."""

import streamlit as st

from movement_check.config import LiveConfig
from movement_check.errors import InputError
from movement_check.media_addresses import keep_media_on

CAMERA = {"video": {"width": {"ideal": 640}, "height": {"ideal": 480}, "frameRate": {"ideal": 30}},
          "audio": False}
# at most 360 px high (not a share of the window: the video sits in an iframe sized to its content, where vh
# shrinks it to nothing): on a 1280x800 laptop, whose browser shows about 1280x700 of the page, the patient sees
# their whole body, feet included, below the instruction, without scrolling (app_pages/layout.py)
MIRRORED = {"style": {"width": "100%", "maxHeight": "360px", "objectFit": "contain", "transform": "scaleX(-1)"},
            "autoPlay": True, "controls": False, "muted": True}


def media_addresses_problem(config: LiveConfig) -> str | None:
    """Before any WebRTC connection is made (the patient's camera, the therapist's video): its media may use
    only the configured addresses (:mod:`movement_check.media_addresses`). Returns why not, when this
    computer lacks one of them (nothing is connected then). Cheap (it lists the network interfaces), so it
    runs on every page run and sees an address that went away."""
    try:
        keep_media_on(config.media_addresses)
    except (InputError, RuntimeError) as exc:       # RuntimeError: an aioice without the hooks it replaces
        return str(exc)
    return None


def media_on_configured_addresses(config: LiveConfig) -> None:
    """:func:`media_addresses_problem`, and the page stops with the reason when there is one."""
    problem = media_addresses_problem(config)
    if problem is not None:
        st.error(problem)
        st.stop()
