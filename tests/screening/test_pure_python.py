"""The indicator engine is pure Python: it imports and runs without Django."""

import ast
import subprocess
import sys
from importlib import resources
from pathlib import Path

from django.conf import settings

ENGINE = Path(str(resources.files("safepath.screening.indicators")))
PROJECT_DIR = Path(settings.BASE_DIR).parent

PROGRAM = """
import sys
assert "django" not in sys.modules, "django was imported before the engine"
from safepath.screening.indicators import assess, builtin_registry, load_catalogue
from safepath.screening.indicators import catalogue, rules
registry = builtin_registry()
result = assess(registry.get("CL"), ["CL-EX-01", "CL-EX-02"], act=True)
assert result.trafficking_indicated
print(sorted(name for name in sys.modules if name == "django" or name.startswith("django.")))
"""


def test_the_engine_imports_and_runs_without_django() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT_DIR,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_DIR)},
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"


def test_no_module_of_the_engine_names_django() -> None:
    modules = sorted(ENGINE.rglob("*.py"))
    assert [path.name for path in modules] == ["__init__.py", "catalogue.py", "rules.py"]
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [
            name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for name in (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
        ]
        assert not [name for name in imported if name.split(".")[0] == "django"], path.name
