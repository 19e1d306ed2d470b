"""The relative imports read from a module's text are the ones Python's own parser finds."""

import ast
from pathlib import Path

import riskload
from riskload import sourcecode

PACKAGE = Path(riskload.__file__).resolve().parent


def parsed_imports(package: Path, name: str, path: Path) -> set[str]:
    """The relative imports of ``path`` by ``ast``: what the text reading must give."""
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = ".".join(here[:len(here) - node.level + 1] + ([node.module] if node.module else []))
            submodules = [f"{base}.{alias.name}" for alias in node.names
                          if sourcecode._module_path(package, f"{base}.{alias.name}")]
            found.update(submodules or [base])
    return found


def module_name(package: Path, path: Path) -> str:
    return ".".join(("riskload",) + path.relative_to(package).with_suffix("").parts).removesuffix(".__init__")


def test_every_module_of_the_package_gives_the_imports_its_syntax_tree_holds():
    paths = sorted(PACKAGE.rglob("*.py"))
    assert len(paths) > 50
    for path in paths:
        name = module_name(PACKAGE, path)
        assert sourcecode._relative_imports(PACKAGE, name, path) == parsed_imports(PACKAGE, name, path), name


TRICKY = '''"""A module that imports in every way Python allows.

from .not_code import this_is_text
"""
from . import a, b as bee  # two submodules
from .deep import (
    inner,   # a comment, a, inside
    other as o,
)
from ..up import thing; from . import c
from . d import y
from . import f, \\
    e
from .s import *


def later():
    from .g.h import value
    if value:
        from ..top import stuff
    return stuff
'''


def test_each_form_of_relative_import_is_read(tmp_path):
    package = tmp_path / "pkg"
    for module in ["__init__", "up", "top", "sub/__init__", "sub/a", "sub/b", "sub/c", "sub/d", "sub/e", "sub/f",
                   "sub/s", "sub/deep/__init__", "sub/deep/inner", "sub/g/__init__", "sub/g/h", "sub/mod"]:
        (package / module).parent.mkdir(parents=True, exist_ok=True)
        (package / f"{module}.py").write_text("")
    path = package / "sub" / "mod.py"
    path.write_text(TRICKY)
    expected = {"riskload.sub.a", "riskload.sub.b", "riskload.sub.c", "riskload.up", "riskload.sub.deep.inner",
                "riskload.sub.d", "riskload.sub.e", "riskload.sub.f", "riskload.sub.s", "riskload.sub.g.h",
                "riskload.top"}
    assert parsed_imports(package, "riskload.sub.mod", path) == expected
    # the docstring's line is text, but reading it as an import only adds a module to the key, never loses one
    assert sourcecode._relative_imports(package, "riskload.sub.mod", path) - {"riskload.sub.not_code"} == expected
