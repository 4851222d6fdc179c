"""Foot rotation: foot progression angle while walking and the foot angle standing."""
