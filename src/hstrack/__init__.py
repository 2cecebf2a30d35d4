"""hstrack: track upcoming films and shows, with dates as precise as they are known."""

__version__ = "0.1.0"
# Where the project lives: named in the User-Agent every request to a source carries, as
# Wikimedia's User-Agent policy asks (a way to reach whoever runs the client).
__url__ = "https://hstrack.invalid/"
