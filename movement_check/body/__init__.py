"""The body seen in the image: landmarks, angles, signals, posture, walking and view (pure functions on arrays)."""
