"""Packaging contracts: environment.yml mirrors pyproject.toml, import stays light."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _conda_specs() -> tuple[dict[str, str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda: dict[str, str] = {}
    pip: list[str] = []
    for item in env["dependencies"]:
        if isinstance(item, dict):
            pip.extend(item.get("pip", []))
        else:
            conda[_name(item)] = item.replace(" ", "")
    return conda, pip


def test_environment_yml_mirrors_core_and_installed_extras():
    project = _pyproject()["project"]
    conda, pip = _conda_specs()
    assert pip == ["-e .[notebook,test]"], "environment.yml must pip-install the package"
    extras = re.search(r"\[(.*)\]", pip[0]).group(1).split(",")
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    for requirement in wanted:
        name = _name(requirement)
        assert name in conda, f"{name} is in pyproject.toml but not in environment.yml"
        assert conda[name] == requirement.replace(" ", ""), (
            f"version spec of {name} differs: pyproject {requirement!r}, "
            f"environment.yml {conda[name]!r}"
        )
    extra_in_conda = set(conda) - {_name(r) for r in wanted} - {"python", "pip"}
    assert not extra_in_conda, (
        f"environment.yml lists packages pyproject does not: {extra_in_conda}"
    )


def test_readme_install_and_test_commands_match_ci():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install = re.search(r"^(python -m pip install -e .*)$", readme, re.M)
    test = re.search(r"^(python -m pytest.*)$", readme, re.M)
    assert install and test, "README must show the install and the test command"
    assert install.group(1) in ci
    assert test.group(1) in ci


def test_import_is_light():
    code = (
        "import sys, paktsim, paktsim.regions, paktsim.params, paktsim.scenario;"
        "heavy = [m for m in ('matplotlib', 'ipywidgets', 'IPython', 'jupyter_client', "
        "'nbformat') if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import paktsim pulled in: {out.stdout.strip()}"


def test_version_and_help():
    version = subprocess.run(
        [sys.executable, "-m", "paktsim", "--version"], capture_output=True, text=True
    )
    assert version.returncode == 0
    from paktsim import __version__

    assert version.stdout.strip() == f"paktsim {__version__}"
    helptext = subprocess.run(
        [sys.executable, "-m", "paktsim", "--help"], capture_output=True, text=True
    )
    assert helptext.returncode == 0
    for command in ("validate", "data"):
        assert command in helptext.stdout


def test_unknown_command_is_a_usage_error():
    proc = subprocess.run(
        [sys.executable, "-m", "paktsim", "frobnicate"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "frobnicate" in proc.stderr


def test_closed_pipe_is_not_an_internal_error():
    # `true` exits without reading, so paktsim writes into a closed pipe
    proc = subprocess.run(
        f"{sys.executable} -m paktsim params | true", shell=True, capture_output=True, text=True
    )
    assert "interner Fehler" not in proc.stderr and "Traceback" not in proc.stderr
    assert "Broken pipe" not in proc.stderr
