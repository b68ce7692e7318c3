"""assistant: answers questions about conference proceedings from news articles, with citations."""

__version__ = "0.1.0"
