"""The shape of the code, read with ``ast`` from the sources of ``qa/`` (nothing is imported):

* no import cycles among qa modules. Function-local imports count as edges too: an import put
  inside a function to break a cycle still makes the two modules depend on each other, and only
  hides it (imports are made local on purpose only to load heavy libraries late, and those are
  not qa modules). A package's ``__init__`` is not counted as imported by its submodules (Python
  runs it first, whatever it imports), nor is an import under ``if TYPE_CHECKING:`` (it never
  runs: annotations only);
* no private name (``_name``) imported from another qa module: what another module needs is
  public in the module that has it (``import x as _x`` of a public name is fine);
* pyflakes finds nothing in ``qa/`` (unused imports and variables, undefined names, f-strings
  without a placeholder) except on a line marked ``# noqa`` (a re-export, or an import made for
  what it registers).
"""

from __future__ import annotations

import ast
from pathlib import Path

QA = Path(__file__).resolve().parents[1] / "qa"


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for p in sorted(QA.rglob("*.py")):
        parts = list(p.relative_to(QA.parent).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        out[".".join(parts)] = (p, is_pkg)
    return out


MODULES = _modules()


def _base(module: str, is_pkg: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    if not is_pkg:
        parts = parts[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


def _known(name: str) -> str | None:
    """The qa module an import of ``name`` loads (``qa.x.y`` for ``qa.x.y.f``), or None."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _type_only(tree: ast.AST) -> set[int]:
    """ids of the import nodes under ``if TYPE_CHECKING:`` (never run: annotations only)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (
                (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
                or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")):
            for sub in node.body:
                out.update(id(n) for n in ast.walk(sub))
    return out


def _imports():
    """(importer, imported module, imported name or None, line) for every import in qa/ that runs
    (imports under ``if TYPE_CHECKING:`` are for annotations only and are not counted)."""
    for module, (path, is_pkg) in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        skip = _type_only(tree)
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "qa" and (target := _known(alias.name)):
                        yield module, target, None, node.lineno
            elif isinstance(node, ast.ImportFrom):
                base = _base(module, is_pkg, node)
                if base.split(".")[0] != "qa":
                    continue
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    if sub in MODULES:  # from qa import inputs: the module qa.inputs
                        yield module, sub, None, node.lineno
                    elif target := _known(base):
                        yield module, target, alias.name, node.lineno


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_scan_sees_module_level_and_local_imports():
    found = {(m, t) for m, t, _, _ in _imports()}
    assert ("qa.runner.pipeline", "qa.runner.checker") in found  # module level
    assert ("qa.cli", "qa.runner.terminal") in found  # inside a command's function
    assert len(MODULES) > 80


def test_no_import_cycles_among_qa_modules():
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, target, _name, _line in _imports():
        if target != module:
            edges[module].add(target)
    assert _cycles(edges) == []


def test_no_private_name_imported_from_another_qa_module():
    bad = [f"{module}:{line} imports {name} from {target}" for module, target, name, line in _imports()
           if name and name.startswith("_") and not name.startswith("__") and target != module]
    assert bad == []


def _module_level_compiles(path: Path) -> list[int]:
    """Lines of ``re.compile(...)`` calls run at import of the module at ``path`` (in its body,
    outside functions and classes)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[int] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"):
            out.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    for stmt in tree.body:
        visit(stmt)
    return out


def test_the_module_finder_sees_a_module_level_compile_and_not_one_in_a_function(tmp_path):
    p = tmp_path / "m.py"
    p.write_text("import re\nA = re.compile('a')\nB = {'x': re.compile('b')}\n"
                 "def f():\n    return re.compile('c')\nC = lambda: re.compile('d')\n")
    assert _module_level_compiles(p) == [2, 3]


def test_rule_modules_compile_their_patterns_on_first_use():
    """A one-file run imports every rule module whose rules run and compiles only the patterns its
    rules use: a module-level pattern of ``qa/checks`` or ``qa/kinds`` is ``qa.lazyre.lazy_compile``."""
    found = {str(p.relative_to(QA.parent)): lines for p in sorted((QA / "checks").glob("*.py")) + sorted((QA / "kinds").glob("*.py"))
             if (lines := _module_level_compiles(p))}
    assert found == {}


def test_pyflakes_finds_nothing_unmarked():
    from pyflakes.api import checkPath
    from pyflakes.reporter import Reporter
    import io

    class Collect(Reporter):
        def __init__(self):
            super().__init__(io.StringIO(), io.StringIO())
            self.found = []

        def flake(self, message):
            self.found.append(message)

        def syntaxError(self, filename, msg, lineno, offset, text):  # noqa: N802 - pyflakes' name
            self.found.append(f"{filename}:{lineno}: {msg}")

    found = []
    for p in sorted(QA.rglob("*.py")):
        rep = Collect()
        checkPath(str(p), rep)
        lines = p.read_text(encoding="utf-8").splitlines()
        for m in rep.found:
            if isinstance(m, str):
                found.append(m)
            elif "# noqa" not in lines[m.lineno - 1]:
                found.append(f"{p.relative_to(QA.parent)}:{m.lineno}: {m.message % m.message_args}")
    assert found == []
