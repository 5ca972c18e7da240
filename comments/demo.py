"""Demo content for the comments app (filled in by its own feature work)."""


def seed():
    """Create the demo content; running it again changes nothing."""
