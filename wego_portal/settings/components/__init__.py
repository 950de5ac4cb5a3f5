"""The settings by concern; ``settings/base.py`` gathers them in order."""
