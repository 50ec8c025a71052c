"""The item dependency graph: cycles, precedence, topological order, critical path."""

import math
from collections.abc import Iterable, Mapping

from catalog_svc.bundles.definition import Limit


def edges(dependencies: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """item → the items it depends on directly."""
    graph: dict[str, set[str]] = {}
    for item, depends_on in dependencies:
        graph.setdefault(item, set()).add(depends_on)
    return graph


def find_cycles(nodes: list[str], graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle found by a depth-first walk, each reported once, in node order."""
    cycles: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :]
                if frozenset(cycle) not in seen:
                    seen.add(frozenset(cycle))
                    cycles.append([*cycle, nxt])
            elif state.get(nxt) is None:
                walk(nxt, path)
        path.pop()
        state[node] = 2

    for node in nodes:
        if state.get(node) is None:
            walk(node, [])
    return cycles


def ancestors(node: str, graph: Mapping[str, set[str]]) -> set[str]:
    found: set[str] = set()
    stack = list(graph.get(node, ()))
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(graph.get(current, ()))
    return found


def reduce_to(chosen: list[str], graph: Mapping[str, set[str]]) -> dict[str, list[str]]:
    """Dependencies among the chosen items only: a chosen item waits for its nearest chosen
    ancestors, so leaving out a middle item keeps the order of the ones around it."""
    chosen_set = set(chosen)
    order = {code: index for index, code in enumerate(chosen)}
    reduced: dict[str, list[str]] = {}
    for item in chosen:
        found: set[str] = set()
        stack = list(graph.get(item, ()))
        visited: set[str] = set()
        while stack:
            current = stack.pop()
            if current in visited:
                continue
            visited.add(current)
            if current in chosen_set:
                found.add(current)
            else:
                stack.extend(graph.get(current, ()))
        reduced[item] = sorted(found, key=order.__getitem__)
    return reduced


def topological(nodes: list[str], depends: Mapping[str, list[str]]) -> list[str]:
    """Kahn's order, ties broken by the nodes' given order so the result is deterministic."""
    position = {code: index for index, code in enumerate(nodes)}
    remaining = {node: set(depends.get(node, ())) for node in nodes}
    ordered: list[str] = []
    while remaining:
        ready = sorted((n for n, deps in remaining.items() if not deps), key=position.__getitem__)
        if not ready:
            raise ValueError("dependency cycle")
        node = ready[0]
        ordered.append(node)
        del remaining[node]
        for deps in remaining.values():
            deps.discard(node)
    return ordered


def working_days(limit: Limit | dict) -> int:
    """A limit in working days. Calendar days convert as ceil(cd × 5 / 7): a week of 7 calendar
    days holds 5 working days; holidays are ignored here because no date is known yet."""
    value, unit = (limit.value, limit.unit) if isinstance(limit, Limit) else (limit["value"], limit["unit"])
    return value if unit == "working_days" else math.ceil(value * 5 / 7)


def critical_path(order: list[str], depends: Mapping[str, list[str]], days: Mapping[str, int]) -> tuple[int, list[str]]:
    """Length in working days and items of the longest chain; `order` must be topological."""
    finish: dict[str, int] = {}
    previous: dict[str, str | None] = {}
    for node in order:
        before = max(depends.get(node, ()), key=lambda d: finish[d], default=None)
        finish[node] = days[node] + (finish[before] if before else 0)
        previous[node] = before
    if not finish:
        return 0, []
    end: str | None = max(order, key=lambda n: finish[n])
    total = finish[end]
    path: list[str] = []
    while end is not None:
        path.append(end)
        end = previous[end]
    return total, path[::-1]
