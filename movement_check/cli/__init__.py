"""The ``movement-check`` command."""
