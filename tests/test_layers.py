"""The executable spec stands on its own: reference.py and its sibling modules import nothing of
the library around them and never the compiled core, and the reference implementation runs,
Tokenizer included, where the core is not built."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import bytebpe

PACKAGE = Path(bytebpe.__file__).parent
SPEC_LAYER = {"reference", "checks", "patterns", "pattern_language", "_unicode_data"}


def imported_modules(module: str) -> set[str]:
    """The modules of bytebpe that ``module`` imports anywhere in its file (module level, in a
    function, under TYPE_CHECKING), by their names in the package; "__init__" for the package."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module is not None, f"{module}.py uses a relative import"
            base = node.module.split(".")
            names = [[*base, alias.name] if len(base) == 1 else base for alias in node.names]
        else:
            continue
        for parts in names:
            if parts[0] != "bytebpe":
                continue
            is_module = len(parts) > 1 and (parts[1] == "_fast" or (PACKAGE / f"{parts[1]}.py").exists())
            found.add(parts[1] if is_module else "__init__")
    return found


def test_the_spec_layer_imports_only_itself():
    reached, todo = set(), ["reference", "checks"]
    while todo:
        module = todo.pop()
        if module in reached:
            continue
        reached.add(module)
        todo.extend(imported_modules(module) - reached)
    assert reached == SPEC_LAYER, sorted(reached - SPEC_LAYER)


def test_the_reference_runs_without_the_compiled_core(tmp_path):
    script = textwrap.dedent(
        """
        import importlib.abc, pickle, sys
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name in ("bytebpe._fast", "bytebpe.fast"):
                    raise ImportError("blocked by the test")
        sys.meta_path.insert(0, Block())

        import bytebpe.reference as spec
        assert spec.train(["abab abab"], 258) == [(97, 98, 4), (256, 256, 2)]
        assert spec.encode_ordinary("abab", spec.ranks_from_merges([(97, 98)])) == [256, 256]

        import bytebpe
        reference = bytebpe.implementation("reference")
        counts = reference.count(["abab", "ab"]) + reference.count(["ba"])
        assert reference.train_from_counts(counts, 257) == [(97, 98, 3)]
        tok = bytebpe.Tokenizer.train(["abab cd"], 262, special_tokens=["<|bos|>"], implementation="reference")
        assert tok.decode(tok.encode("<|bos|>abab", allowed_special="all")) == "<|bos|>abab"
        tok.save(sys.argv[1])
        again = bytebpe.Tokenizer.load(sys.argv[1], implementation="reference")
        assert again == tok == pickle.loads(pickle.dumps(tok))
        assert again.to_huggingface is not None and tok.visualize("abab").tokens
        assert "bytebpe._fast" not in sys.modules and "bytebpe.fast" not in sys.modules, sorted(sys.modules)
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "tok")], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr
