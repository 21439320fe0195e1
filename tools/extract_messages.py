"""List the English problem messages of the package as catalogue msgids (maintenance tool).

Finds the message argument of every ``Problem(location, message, …)``,
``InputError.single(location, message, …)`` and ``raise ValueError(message)`` in
``paktsim/`` and turns it into a msgid: literal text stays, each interpolated
expression of an f-string becomes a numbered placeholder ``{0}``, ``{1}`` … (in
order). ``paktsim.i18n.translate_problem`` matches a message against such a
template and puts the captured parts into the German text at the same numbers.

``python tools/extract_messages.py`` prints the msgids missing from
``paktsim/locale/de/LC_MESSAGES/paktsim.po`` (German messages are skipped: they
are already for people); ``--all`` prints every English one.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GERMAN = re.compile(
    r"[äöüßÄÖÜ]|\b(?:erwartet|nicht|keine?|muss|ist|für|oder|und|gibt|fehlt|"
    r"Datei|Spalte|Zeile|Wert|Angabe|bitte|angeben|zwischen|mindestens|höchstens)\b"
)


def _template(node: ast.expr) -> str | None:
    """The msgid of a message expression, or None when it is not literal text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        out, n = [], 0
        for part in node.values:
            if isinstance(part, ast.Constant):
                out.append(str(part.value).replace("{", "{{").replace("}", "}}"))
            else:
                out.append("{%d}" % n)
                n += 1
        return "".join(out)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left), _template(node.right)
        if left is None or right is None:
            return None
        if "{0}" in right and "{0}" in left:  # renumber the right side
            count = len(re.findall(r"\{\d+\}", left))
            right = re.sub(r"\{(\d+)\}", lambda m: "{%d}" % (int(m.group(1)) + count), right)
        return left + right
    return None


def _message_arg(call: ast.Call) -> ast.expr | None:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
    if name == "Problem" or (name == "single" and owner == "InputError"):
        for kw in call.keywords:
            if kw.arg == "message":
                return kw.value
        return call.args[1] if len(call.args) > 1 else None
    if name == "ValueError" and call.args:
        return call.args[0]
    return None


def messages(root: Path = ROOT / "paktsim") -> dict[str, list[str]]:
    """msgid → the places (``file:line``) it comes from."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                arg = _message_arg(node)
                text = _template(arg) if arg is not None else None
                if text and text.strip() and not GERMAN.search(text):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found.setdefault(text, []).append(where)
    return found


def catalogue_ids() -> set[str]:
    from babel.messages.pofile import read_po

    po = ROOT / "paktsim" / "locale" / "de" / "LC_MESSAGES" / "paktsim.po"
    with open(po, "rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


if __name__ == "__main__":  # pragma: no cover - maintenance command
    known = set() if "--all" in sys.argv else catalogue_ids()
    for text, places in messages().items():
        if text not in known:
            print(f"#: {' '.join(places)}")
            print(f"msgid {text!r}")
