"""The live visit: the patient's stream, cues, guided steps recorded and analysed, the therapist's video."""
