"""From a clip or camera frames to one person's clean landmark trajectories, and how well they were seen."""
