"""Single-leg raises and single-leg stance, standing or lying, and the home-exercise form check."""
