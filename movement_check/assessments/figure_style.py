"""What every figure shares: each side's colour (left blue, right red, as in the app's tables)."""

COLOURS = {"left": "#1f77b4", "right": "#d62728"}
