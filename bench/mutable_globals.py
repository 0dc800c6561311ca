"""Count module-level mutable globals in pipelines/ + assets/ of a checkout (issue 14 figure): python bench/mutable_globals.py [ROOT]
A: module-level names bound to a mutable value (dict/list/set literal or comprehension, dict()/list()/set()/
   Counter()/defaultdict()/deque()/OrderedDict()/Lock()/RLock()) -- constant tables included;
B: process state: module-level names that a function changes at run time (rebound through `global`, or a
   module-level container that a function mutates: item assignment/deletion, append/pop/update/clear/...)."""
import ast, sys, pathlib
root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[1])
MUT_CALLS = {"dict", "list", "set", "Counter", "defaultdict", "deque", "OrderedDict", "Lock", "RLock"}
MUT_METH = {"append", "extend", "pop", "popitem", "update", "clear", "setdefault", "add", "remove", "discard", "insert"}
def mutable(v):
    if isinstance(v, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)):
        return True
    if isinstance(v, ast.Call):
        f = v.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
        return name in MUT_CALLS
    return False
A, B = [], []
for p in sorted([*root.glob("pipelines/**/*.py"), *root.glob("assets/**/*.py")]):
    tree = ast.parse(p.read_text())
    mods = {}
    for node in tree.body:
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for t in targets:
            if isinstance(t, ast.Name):
                mods[t.id] = mutable(value)
    A += [f"{p.relative_to(root)}:{n}" for n, m in mods.items() if m]
    changed = set()
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        local = {a.arg for a in fn.args.args + fn.args.kwonlyargs}
        for node in ast.walk(fn):
            if isinstance(node, ast.Global):
                changed |= set(node.names)
            if isinstance(node, (ast.Assign, ast.AugAssign)):
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                    if isinstance(t, ast.Name):
                        local.add(t.id)
        for node in ast.walk(fn):
            tgt = None
            if isinstance(node, (ast.Assign, ast.Delete)):
                for t in node.targets:
                    if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                        tgt = t.value.id
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUT_METH \
                    and isinstance(node.func.value, ast.Name):
                tgt = node.func.value.id
            if tgt and tgt in mods and mods[tgt] and tgt not in local:
                changed.add(tgt)
    B += [f"{p.relative_to(root)}:{n}" for n in sorted(changed) if n in mods]
print(f"A (mutable-typed module-level bindings, constant tables included): {len(A)}")
print(f"B (process state changed at run time): {len(B)}")
for x in B: print("   ", x)
