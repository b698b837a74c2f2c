"""The packages import one another only as ARCHITECTURE.md's layout allows ("may import")."""
import ast
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

OURS = ("bot", "actions", "integrations", "ticketing")
# For each package, which of our modules it must not import (a prefix forbids the module and
# everything under it). The actions reach the queue through its client: the TicketClient
# interface, its in-process implementation and the feedback store on the same database.
FORBIDDEN = {
    "bot": ("actions", "ticketing"),
    "integrations": ("actions", "ticketing", "bot"),
    "ticketing": ("actions", "integrations"),
    "actions": ("ticketing",),
}
ALLOWED = {
    "integrations": ("bot.settings",),
    "actions": ("ticketing.client", "ticketing.service", "ticketing.feedback"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
            names.add(node.module)
    return {name for name in names if name.split(".")[0] in OURS}


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def breaches(package: str, modules: set[str]) -> list[str]:
    return sorted(
        name
        for name in modules
        if any(_under(name, banned) for banned in FORBIDDEN[package])
        and not any(_under(name, allowed) for allowed in ALLOWED.get(package, ()))
    )


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_the_package_imports_only_what_the_architecture_allows(package):
    found = {
        str(path.relative_to(PROJECT_ROOT)): breaches(package, imported_modules(path))
        for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
    }
    assert {path: names for path, names in found.items() if names} == {}


def test_a_forbidden_import_is_caught(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from ticketing.relay import Relay\n    import bot.settings\n")
    assert breaches("integrations", imported_modules(module)) == ["ticketing.relay", "ticketing.relay.Relay"]
    assert breaches("bot", imported_modules(module)) == ["ticketing.relay", "ticketing.relay.Relay"]
