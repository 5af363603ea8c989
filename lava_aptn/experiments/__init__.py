"""Experiments built on the engine: the demo (main job), sweeps and reports."""
