"""Which riskload code a result depends on, as a digest.

The cache keeps what a step computed for as long as the code of that step is
the same: decoded files while the import's modules are unchanged, week
figures while the modules that draw them are. The rest of riskload may
change meanwhile.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

#: A relative import statement (``from .x import a, b`` or ``from .. import (a,\n b)``), also indented or
#: after a ``;``: its dots, its module and what it imports. Reading the text rather than parsing the module
#: costs a millisecond where ``ast.parse`` costs a few hundred for the package; a test holds the two equal.
_RELATIVE_IMPORT = re.compile(
    rb"(?:^|;)[ \t]*from[ \t]+(\.+)[ \t]*([\w.]*)[ \t]+import[ \t]*(\([^)]*\)|(?:[^\\\n;]|\\\n)*)", re.M)
_COMMENT = re.compile(rb"#[^\n]*")


@functools.cache
def code_digest(*modules: str) -> str:
    """A digest of the source of ``modules`` and of every riskload module they import (:func:`imported_modules`)."""
    digest = hashlib.sha256()
    for name, path in sorted(imported_modules(*modules).items()):
        digest.update(name.encode() + b"\x00" + path.read_bytes())
    return digest.hexdigest()


def imported_modules(*modules: str) -> dict[str, Path]:
    """``modules`` and every riskload module they import, directly or not, with their files.

    A cached result depends on the code that computed it, not on all of
    riskload. The imports are read from the source (relative imports, also
    inside functions, :data:`_RELATIVE_IMPORT`); a package's ``__init__``
    counts only where it is imported itself.
    """
    package = Path(__file__).resolve().parent
    found: dict[str, Path] = {}
    todo = list(modules)
    while todo:
        name = todo.pop()
        path = None if name in found else _module_path(package, name)
        if path:
            found[name] = path
            todo.extend(_relative_imports(package, name, path))
    return found


def _module_path(package: Path, name: str) -> Path | None:
    parts = name.split(".")[1:]
    candidates = [package.joinpath(*parts).with_suffix(".py")] if parts else []
    return next((path for path in [*candidates, package.joinpath(*parts, "__init__.py")] if path.is_file()), None)


def _relative_imports(package: Path, name: str, path: Path) -> set[str]:
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for dots, module, names in _RELATIVE_IMPORT.findall(path.read_bytes()):
        base = ".".join(here[:len(here) - len(dots) + 1] + ([module.decode()] if module else []))
        aliases = _COMMENT.sub(b"", names).strip(b"()").replace(b"\\\n", b" ").split(b",")
        submodules = [f"{base}.{alias.split()[0].decode()}" for alias in aliases if alias.strip()]
        found.update([m for m in submodules if _module_path(package, m)] or [base])
    return found
