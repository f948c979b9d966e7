"""A terminal research assistant: questions about paper abstracts, answered with cited quotes."""

__version__ = "0.1.0"
