"""An app reads another domain app's records through its models and functions, but never borrows its
views or output helpers (Excel, PDF, documents): those shared live in core.output (architecture.md,
"Patterns for the second wave"). Checked on the source, so a new import of that kind fails here."""

import ast
from pathlib import Path

from django.conf import settings

import yancheng

# Every app of the platform but the core, as installed: a new app is covered the day it is added.
DOMAIN_APPS = [
    name.split(".")[1]
    for name in settings.INSTALLED_APPS
    if name.startswith("yancheng.") and name != "yancheng.core"
]
# Modules of a domain app that are its pages or its output: another app must not import them.
PRIVATE = ("views", "views_office", "views_ledger", "poster", "bulletin", "certificate")
ROOT = Path(yancheng.__file__).parent


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno


def test_the_domain_apps_are_the_installed_ones():
    assert {"visits", "enterprise_requests", "mortgage", "projects"} <= set(DOMAIN_APPS)


def test_no_app_imports_another_domain_apps_views_or_output_helpers():
    crossings = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in (*DOMAIN_APPS, "core"):
            continue  # the project's urls.py and api.py mount every app's pages and routers
        for module, line in imported_modules(path):
            parts = module.split(".")
            other_app = len(parts) >= 3 and parts[0] == "yancheng" and parts[1] in DOMAIN_APPS
            if other_app and parts[1] != relative.parts[0] and parts[2] in PRIVATE:
                crossings.append(f"{relative}:{line} imports {module}")
    assert crossings == []
