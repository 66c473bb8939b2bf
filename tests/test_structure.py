"""The shape of the code: imports run one way (kernel <- features <- wiring), with no circle.

The import graph is read from the source with ``ast``, imports inside functions included.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "caregiver"
FEATURES = {"admin", "auth", "careplan", "goals", "groups", "guidance", "journal", "main",
            "reminders"}  # fmt: skip
WIRING = {"caregiver", "caregiver.cli", "caregiver.web"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    """Edges between the package's modules, and the imports made inside functions (with the
    comment line above each)."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = defaultdict(set)
    inner = []
    for name, path in modules.items():
        source = path.read_text()
        lines = source.splitlines()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(source)
        in_function = {
            id(node)
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(function)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                           for a in node.names]  # fmt: skip
            else:
                continue
            found = [target for target in targets if target in modules and target != name]
            edges[name].update(found)
            if found and id(node) in in_function:
                above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
                inner.append((name, found[0], above))
    return edges, inner


def circles(edges: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(group)

    for node in list(edges):
        if node not in index:
            visit(node)
    return found


def feature_of(module: str) -> str | None:
    part = module.split(".")[1] if module.count(".") else ""
    return part if part in FEATURES else None


def test_no_import_circle():
    edges, _inner = import_graph()
    assert circles(edges) == []


def test_the_kernel_imports_no_feature():
    edges, _inner = import_graph()
    kernel = {module for module in edges if feature_of(module) is None} - WIRING
    assert "caregiver.outbox" in kernel and "caregiver.clock" in kernel
    for module in kernel:
        features = {feature_of(target) for target in edges[module]} - {None}
        assert not features, f"{module} (kernel) imports {features}"


def test_no_feature_imports_another_features_views():
    edges, _inner = import_graph()
    borrowed = {
        (module, target)
        for module, targets in edges.items()
        for target in targets
        if target.rpartition(".")[2].endswith("views")
        and feature_of(module) not in (None, feature_of(target))
    }
    assert borrowed == set()


def test_no_import_is_hidden_in_a_function_to_dodge_a_circle():
    _edges, inner = import_graph()
    dodges = [(module, target) for module, target, comment in inner
              if "circ" in comment.lower() or "in turn" in comment.lower()]  # fmt: skip
    assert dodges == []


def test_no_circle_between_features():
    edges, _inner = import_graph()
    between = defaultdict(set)
    for module, targets in edges.items():
        for target in targets:
            if None is not feature_of(module) != feature_of(target) is not None:
                between[feature_of(module)].add(feature_of(target))
    assert circles(between) == []


def test_one_blueprint_per_feature(app):
    assert set(app.blueprints) == FEATURES
    assert all(blueprint.url_prefix is None for blueprint in app.blueprints.values())


def test_every_route_is_a_decorator_that_a_grep_for_its_path_finds(app):
    source = "\n".join(path.read_text() for path in PACKAGE.rglob("*.py"))
    decorated = set(re.findall(r'@\w+\.(?:route|get|post)\(\s*"([^"]*)"', source))
    rules = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert rules - decorated == set()
