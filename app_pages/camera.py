"""The patient's webcam as both patient pages ask for it (streamlit-webrtc): what to ask the browser for,
and the patient's own view shown mirrored, like a mirror."""

CAMERA = {"video": {"width": {"ideal": 640}, "height": {"ideal": 480}, "frameRate": {"ideal": 30}},
          "audio": False}
MIRRORED = {"style": {"width": "100%", "transform": "scaleX(-1)"}, "autoPlay": True, "controls": False,
            "muted": True}
