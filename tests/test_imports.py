"""What import-linter cannot check (pyproject.toml has its contracts): no app reaches into another
app's private names, and no area imports another area's views (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import daicho

ROOT = Path(daicho.__file__).parent


def _app(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _reaches(module: str, path: Path):
    """(line, what) of each name of another app that ``module`` uses and should not."""
    me = _app(module)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: dict[str, str] = {}  # local name -> the daicho module or object it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("daicho."):
            other = _app(node.module)
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                names[alias.asname or alias.name] = target
                if other == me:
                    continue
                private = any(
                    p.startswith("_") and not p.startswith("__") for p in target.split(".")
                )
                if private or (other != "core" and "views" in target.split(".")):
                    yield node.lineno, target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("daicho.") and alias.asname:
                    names[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and node.value.id in names
            and _app(names[node.value.id]) != me
        ):
            yield node.lineno, f"{names[node.value.id]}.{node.attr}"


def test_no_app_uses_another_apps_private_names_or_views():
    found = [
        f"{path.relative_to(ROOT.parent)}:{line}: {what}"
        for module, path in _modules()
        for line, what in _reaches(module, path)
    ]
    assert found == []


def test_the_check_sees_a_private_name(tmp_path):
    """The check above finds what it looks for (a test that passes on nothing proves nothing)."""
    source = tmp_path / "views.py"
    source.write_text(
        "from daicho.registry.views import _history\n"
        "from daicho.continuity import selectors\n"
        "x = selectors._due\n"
    )
    found = [what for _, what in _reaches("daicho.security.views", source)]
    assert found == ["daicho.registry.views._history", "daicho.continuity.selectors._due"]
