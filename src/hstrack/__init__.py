"""hstrack: track upcoming films and shows, with dates as precise as they are known."""

__version__ = "0.1.0"
