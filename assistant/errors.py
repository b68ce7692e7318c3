"""Errors whose message tells the user what to do."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: the message is shown to the user as it is, without a traceback."""


class IndexMissingError(AssistantError):
    def __init__(self, index_dir: object) -> None:
        super().__init__(f"no index in {index_dir}: run `assistant index` to build it")


class IndexMismatchError(AssistantError):
    def __init__(self, index_dir: object, what: str, built: object, wanted: object) -> None:
        super().__init__(
            f"{index_dir} was built with {what}={built!r}, settings say {wanted!r}: "
            "run `assistant index --rebuild`"
        )


class IndexBusyError(AssistantError):
    def __init__(self, pid: str) -> None:
        super().__init__(
            f"index is being updated by process {pid}; wait for it to finish "
            "(or pass --wait SECONDS)"
        )


class CorpusError(AssistantError):
    """The corpus folder itself is unusable (missing, not a folder)."""
