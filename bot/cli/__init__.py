"""The command-line front ends of `python -m bot`."""
