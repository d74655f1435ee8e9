"""The part handler and loguserdata really run (against a temp dir), on python3 3.9+ syntax."""

from __future__ import annotations

import ast
import email
import importlib.util
import os
import stat
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from userdata import Part, UserDataSpec, build_user_data

PARTS_DIR = Path(__file__).resolve().parents[2] / "userdata" / "parts"
ON_INSTANCE = ["part_handler.py", "loguserdata.py"]

_DRIVER = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("loguserdata", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
module.VAR_DIR, module.LOG_PATH = sys.argv[2], sys.argv[3]
sys.exit(module.main())
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture
def handler(tmp_path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("_test_part_handler", PARTS_DIR / "part_handler.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.VAR_DIR = str(tmp_path / "var" / "heat-cfntools")
    module.LOG_PATH = str(tmp_path / "part-handler.log")
    return module


def _run_loguserdata(tmp_path: Path, script: str | None) -> tuple[subprocess.CompletedProcess, Path, Path]:
    var = tmp_path / "heat-cfntools"
    var.mkdir(mode=0o700, exist_ok=True)
    if script is not None:
        (var / "cfn-userdata").write_text(script)
        (var / "cfn-userdata").chmod(0o600)
    log = tmp_path / "heat-provision.log"
    proc = subprocess.run([sys.executable, "-c", _DRIVER, str(PARTS_DIR / "loguserdata.py"), str(var), str(log)],
                          capture_output=True, text=True, timeout=60)
    return proc, var, log


@pytest.mark.parametrize("name", ON_INSTANCE)
def test_python39_syntax_and_stdlib_only(name: str) -> None:
    source = (PARTS_DIR / name).read_text()
    tree = ast.parse(source, feature_version=(3, 9))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AnnAssign, ast.arg)):
            annotations = [getattr(node, "returns", None), getattr(node, "annotation", None)]
            # `X | Y` annotations are evaluated at definition time and fail on 3.9
            assert not any(isinstance(a, ast.BinOp) for a in annotations if a is not None)
    assert "distutils" not in imported and "pkg_resources" not in imported
    assert imported <= set(sys.stdlib_module_names)


def test_part_prefixes_match_cloud_init_sniffing() -> None:
    assert (PARTS_DIR / "loguserdata.py").read_text().startswith("#!/usr/bin/env python3\n")
    assert (PARTS_DIR / "part_handler.py").read_text().startswith("#part-handler\n")


def test_part_handler_writes_files_0600_in_a_0700_dir(handler: ModuleType, tmp_path: Path) -> None:
    var = Path(handler.VAR_DIR)
    var.mkdir(parents=True, mode=0o755)
    var.chmod(0o755)
    (var / "cfn-init-data").write_text("old")
    (var / "cfn-init-data").chmod(0o644)
    assert handler.list_types() == ["text/x-cfninitdata"]
    handler.handle_part(None, "__begin__", None, None)
    assert _mode(var) == 0o700
    handler.handle_part(None, "text/x-cfninitdata", "cfn-init-data", '{"a":"é"}')
    handler.handle_part(None, "text/x-cfninitdata", "cfn-userdata", "#!/bin/sh\n")
    handler.handle_part(None, "text/plain", "ignored.txt", "x")
    handler.handle_part(None, "__end__", None, None)
    assert (var / "cfn-init-data").read_text(encoding="utf-8") == '{"a":"é"}'
    assert _mode(var / "cfn-init-data") == 0o600 and _mode(var / "cfn-userdata") == 0o600
    assert not (var / "ignored.txt").exists()
    log = Path(handler.LOG_PATH)
    assert _mode(log) == 0o600
    lines = log.read_text().splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == [
        "filename:cfn-init-data, ctype:text/x-cfninitdata", "filename:cfn-userdata, ctype:text/x-cfninitdata",
        "filename:ignored.txt, ctype:text/plain"]


@pytest.mark.parametrize("filename", ["../x", "/etc/x", "", "a\0b", ".", "..", "sub/x", "..\\x", None])
def test_part_handler_refuses_escaping_names(handler: ModuleType, tmp_path: Path, filename: str | None) -> None:
    handler.handle_part(None, "__begin__", None, None)
    before = _tree(tmp_path)
    with pytest.raises(ValueError, match="refusing part filename"):
        handler.handle_part(None, "text/x-cfninitdata", filename, "owned")
    after = _tree(tmp_path)
    assert after - before <= {"part-handler.log"}
    assert list(Path(handler.VAR_DIR).iterdir()) == []
    assert "ERROR refusing part filename" in Path(handler.LOG_PATH).read_text()


def test_part_handler_does_not_follow_symlinks(handler: ModuleType, tmp_path: Path) -> None:
    handler.handle_part(None, "__begin__", None, None)
    outside = tmp_path / "outside"
    outside.write_text("keep")
    (Path(handler.VAR_DIR) / "cfn-init-data").symlink_to(outside)
    with pytest.raises(OSError):
        handler.handle_part(None, "text/x-cfninitdata", "cfn-init-data", "owned")
    assert outside.read_text() == "keep"


def test_loguserdata_success(tmp_path: Path) -> None:
    proc, var, log = _run_loguserdata(tmp_path, "#!/bin/sh\necho out-line\necho err-line >&2\n")
    assert proc.returncode == 0, proc.stderr
    text = log.read_text()
    assert "Provision began" in text and "out-line" in text and "err-line" in text and "Provision done" in text
    assert "out-line" in proc.stderr  # also logged to stderr (cloud-init-output.log on an instance)
    assert _mode(log) == 0o600
    assert _mode(var / "cfn-userdata") == 0o700
    assert (var / "provision-finished").exists() and _mode(var / "provision-finished") == 0o600


@pytest.mark.parametrize(("script", "code", "message"), [
    ("#!/bin/sh\necho failing\nexit 3\n", 3, "Provision failed with exit code 3"),
    ("#!/bin/sh\nkill -TERM $$\n", 128 + 15, "Provision failed with exit code 143"),
    ("echo no shebang\n", 126, "not executable (no '#!' line?)"),
    (None, os.EX_NOINPUT, "cfn-userdata is missing"),
])
def test_loguserdata_failure_exits_with_code_and_no_finish(tmp_path: Path, script: str | None, code: int,
                                                            message: str) -> None:
    proc, var, log = _run_loguserdata(tmp_path, script)
    assert proc.returncode == code
    assert message in log.read_text()
    assert not (var / "provision-finished").exists()


def test_loguserdata_empty_script_is_success(tmp_path: Path) -> None:
    proc, var, log = _run_loguserdata(tmp_path, "")
    assert proc.returncode == 0
    assert "cfn-userdata is empty" in log.read_text()
    assert (var / "provision-finished").exists()


def test_rendered_parts_through_handler_then_loguserdata(handler: ModuleType, tmp_path: Path) -> None:
    """A first boot in miniature: the rendered MIME's x-cfninitdata parts go through the real
    handler, then the rendered loguserdata runs the script they wrote."""
    spec = UserDataSpec(script="#!/bin/sh\necho provisioned-ok\n", metadata={"AWS::CloudFormation::Init": {}},
                        parts=(Part('{"k":1}', "x-cfninitdata", "extra-data"),))
    rendered = build_user_data(spec, "web-0")
    message = email.message_from_string(rendered.mime.decode())
    handler.VAR_DIR = str(tmp_path / "heat-cfntools")
    handler.handle_part(None, "__begin__", None, None)
    scripts = {}
    for part in message.walk():
        ctype = part.get_content_type()
        body = part.get_payload(decode=True)
        if ctype == "text/x-cfninitdata":
            handler.handle_part(None, ctype, part.get_filename(), body.decode())
        elif ctype == "text/x-shellscript":
            scripts[part.get_filename()] = body.decode()
    handler.handle_part(None, "__end__", None, None)
    var = Path(handler.VAR_DIR)
    assert sorted(p.name for p in var.iterdir()) == ["cfn-init-data", "cfn-userdata", "extra-data"]
    runner = tmp_path / "loguserdata.py"
    runner.write_text(scripts["loguserdata.py"])
    log = tmp_path / "heat-provision.log"
    proc = subprocess.run([sys.executable, "-c", _DRIVER, str(runner), str(var), str(log)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "provisioned-ok" in log.read_text()
    assert (var / "provision-finished").exists()


_HANDLER_DRIVER = """
import importlib.util, json, os, stat, sys
spec = importlib.util.spec_from_file_location("part_handler", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
module.VAR_DIR, module.LOG_PATH = sys.argv[2], sys.argv[3]
module.handle_part(None, "__begin__", None, None)
module.handle_part(None, "text/x-cfninitdata", "cfn-init-data", "{}")
refused = []
for name in ("../x", "/etc/x", ""):
    try:
        module.handle_part(None, "text/x-cfninitdata", name, "owned")
    except ValueError:
        refused.append(name)
mode = lambda p: oct(stat.S_IMODE(os.stat(p).st_mode))
print(json.dumps({"dir": mode(sys.argv[2]), "file": mode(os.path.join(sys.argv[2], "cfn-init-data")),
                  "refused": refused, "listing": sorted(os.listdir(sys.argv[2]))}))
"""


def _interpreter(version: str) -> str | None:
    """python3.X when it is installed and really is that version (pyenv shims may not be)."""
    import shutil

    candidates = [shutil.which(f"python{version}"),
                  *map(str, sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}")))]
    for path in filter(None, candidates):
        probe = subprocess.run([path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True, timeout=60)
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return path
    return None


@pytest.mark.parametrize("version", ["3.9", "3.10", "3.11", "3.12", "3.13"])
def test_on_instance_scripts_run_on_image_pythons(version: str, tmp_path: Path) -> None:
    """The python3 of current images (3.9 to 3.13), where this machine has it."""
    import json

    python = _interpreter(version)
    if python is None:
        pytest.skip(f"python{version} is not installed here; syntax is still checked for 3.9")
    var = tmp_path / "heat-cfntools"
    out = subprocess.run([python, "-c", _HANDLER_DRIVER, str(PARTS_DIR / "part_handler.py"), str(var),
                          str(tmp_path / "part-handler.log")], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"dir": "0o700", "file": "0o600", "refused": ["../x", "/etc/x", ""],
                                      "listing": ["cfn-init-data"]}
    log = tmp_path / "heat-provision.log"
    for script, code in (("#!/bin/sh\necho ran-ok\n", 0), ("#!/bin/sh\nexit 4\n", 4)):
        (var / "cfn-userdata").write_text(script)
        (var / "provision-finished").unlink(missing_ok=True)
        run = subprocess.run([python, "-c", _DRIVER, str(PARTS_DIR / "loguserdata.py"), str(var), str(log)],
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == code, run.stderr
        assert (var / "provision-finished").exists() == (code == 0)
    assert "ran-ok" in log.read_text() and "Provision failed with exit code 4" in log.read_text()
