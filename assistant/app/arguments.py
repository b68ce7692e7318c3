"""What the command line's arguments make: the settings (environment, then flags) and the
service over them."""

from __future__ import annotations

import argparse
from typing import Any

from assistant.config import Settings
from assistant.errors import AssistantError


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings, with what the command line overrides."""
    overrides: dict[str, Any] = {}
    if args.corpus is not None:
        overrides["corpus_dir"] = args.corpus
    if args.index is not None:
        overrides["index_dir"] = args.index
    if getattr(args, "wait", None) is not None:
        overrides["lock_wait"] = args.wait
    for name in ("host", "port", "auth", "api_key"):
        if getattr(args, name, None) is not None:
            overrides[name] = getattr(args, name)
    from pydantic import ValidationError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"ASSISTANT_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        raise AssistantError(f"invalid setting: {problems}") from None


def service_of(args: argparse.Namespace) -> Any:
    """The application's service over those settings."""
    from assistant.app.service import Service

    return Service(settings_of(args))
