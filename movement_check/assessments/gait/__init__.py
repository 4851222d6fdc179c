"""Gait: walking bouts, heel strikes and toe-offs, timing, angles, plausibility gates."""
