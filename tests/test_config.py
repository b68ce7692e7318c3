"""Every setting is documented: the README's Configuration table names each ASSISTANT_ variable
that Settings reads."""

from __future__ import annotations

from assistant.config import Settings

from .conftest import ROOT


def test_every_setting_is_in_the_readme_configuration_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = [
        f"ASSISTANT_{name.upper()}"
        for name in Settings.model_fields
        if f"| `ASSISTANT_{name.upper()}` |" not in table
    ]
    assert not missing, f"not in the README's Configuration table: {missing}"
