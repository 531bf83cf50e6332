"""The package version (in its own module: every other module may import it)."""

__version__ = "0.2.0"
