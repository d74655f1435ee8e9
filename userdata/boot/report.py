"""``BootReport``: what one boot did, and whether it counts as a clean first boot."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

HEAT_DIR = "/var/lib/heat-cfntools"
OUTPUT_TAIL = 20


@dataclass(frozen=True)
class PartReport:
    """A part of the delivered user data and the cloud-init handler that took it (None: unhandled)."""

    filename: str | None
    content_type: str
    handler: str | None
    seen_as: str | None = None  # the filename cloud-init used (part-NNN when the part had none)


@dataclass(frozen=True)
class FileReport:
    """A file in the booted image: path, octal mode, owner:group, size."""

    path: str
    mode: str
    owner: str
    size: int


@dataclass(frozen=True)
class DeclaredFile:
    """A file declared in AWS::CloudFormation::Init and what cfn-init made of it."""

    path: str
    want_mode: str | None
    want_owner: str | None
    found: FileReport | None
    content_ok: bool | None

    @property
    def problems(self) -> list[str]:
        if self.found is None:
            return [f"cfn-init file {self.path} was not created"]
        out = []
        if self.want_mode and int(self.want_mode, 8) & 0o7777 != int(self.found.mode, 8):
            out.append(f"cfn-init file {self.path} has mode {self.found.mode}, declared {self.want_mode}")
        if self.want_owner and self.found.owner != self.want_owner:
            out.append(f"cfn-init file {self.path} is owned by {self.found.owner}, declared {self.want_owner}")
        if self.content_ok is False:
            out.append(f"cfn-init file {self.path} does not hold the declared content")
        return out


@dataclass
class CfnInitReport:
    """heat-cfntools' cfn-init: did it run (from the user's script), its log, files and commands."""

    ran: bool
    log: str
    files: list[DeclaredFile] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)       # declared command names, in cfn-init order
    commands_run: list[str] = field(default_factory=list)   # the ones its log shows running
    errors: list[str] = field(default_factory=list)         # ERROR lines of cfn-init.log
    packages: list[str] = field(default_factory=list)       # declared apt packages
    packages_installed: list[str] = field(default_factory=list)  # ... that dpkg lists as installed
    services: list[str] = field(default_factory=list)       # declared sysvinit/systemd services
    services_started: list[str] = field(default_factory=list)  # ... that cfn-init enabled or started

    @property
    def problems(self) -> list[str]:
        if not self.ran:
            return []
        out = [p for f in self.files for p in f.problems]
        out += [f"cfn-init command {c!r} did not run" for c in self.commands if c not in self.commands_run]
        out += [f"cfn-init package {p!r} is not installed" for p in self.packages
                if p not in self.packages_installed]
        out += [f"cfn-init: {e}" for e in self.errors]
        return out


@dataclass
class BootReport:
    """Everything the harness saw for one server's first boot."""

    server: str
    stages: list[tuple[str, int | None]]
    status: str
    status_errors: list[str]
    parts: list[PartReport]
    heat_files: list[FileReport]
    loguserdata_ran: bool
    loguserdata_exit: int | None
    provision_log: str | None
    provision_finished: bool
    log_problems: list[str]
    scripts: dict[str, int]
    cfn_init: CfnInitReport | None
    written: list[str]
    cloud_init_output: str = ""
    part_handler_log: str | None = None
    captured: dict[str, str | None] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def unhandled(self) -> list[PartReport]:
        return [p for p in self.parts if p.handler is None]

    @property
    def heat_cfntools(self) -> bool:
        """True when the user data is Heat's HEAT_CFNTOOLS layout (loguserdata runs cfn-userdata)."""
        return any(p.filename == "loguserdata.py" for p in self.parts)

    def problems(self) -> list[str]:
        """Why this boot is not a clean first boot (empty when it is)."""
        out = [f"stage {name} exited {rc}" for name, rc in self.stages if rc != 0]
        if self.status != "done":
            out.append(f"cloud-init status is {self.status!r}")
        out += [f"part {p.filename or '(no filename)'} ({p.content_type}) was not handled" for p in self.unhandled]
        out += [f"cloud-init log: {line}" for line in self.log_problems]
        if self.heat_cfntools:
            if not self.loguserdata_ran:
                out.append("loguserdata.py did not run cfn-userdata")
            elif self.loguserdata_exit:
                out.append(f"cfn-userdata failed with exit code {self.loguserdata_exit}")
            if not self.provision_finished:
                out.append(f"{HEAT_DIR}/provision-finished is missing")
        out += [f"script {name} exited {rc}" for name, rc in self.scripts.items()
                if rc and name != "loguserdata.py"]
        if self.cfn_init:
            out += self.cfn_init.problems
            if not self.cfn_init.ran and not out:
                out.append("cfn-init-data was delivered but cfn-init never ran "
                           "(the script must call /opt/aws/bin/cfn-init, as on Heat)")
        return out

    @property
    def ok(self) -> bool:
        return not self.problems()

    def final_output(self) -> list[str]:
        """What user scripts and final modules printed (cloud-init-output.log, modules:final section)."""
        out: list[str] = []
        inside = False
        for line in self.cloud_init_output.splitlines():
            if line.startswith("Cloud-init v. ") and "running 'modules:final'" in line:
                inside, out = True, []
            elif line.startswith("Cloud-init v. ") and " finished at " in line:
                inside = False
            elif inside and not line.startswith("ci-info: "):
                out.append(line)
        return out

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        data["problems"] = self.problems()
        data["stages"] = [{"stage": n, "exit": rc} for n, rc in self.stages]
        return data

    def to_text(self) -> str:
        """The per-server report the `boot-test` command prints."""
        lines = [f"server {self.server}: {'OK' if self.ok else 'FAILED'} ({self.seconds:.1f} s)"]
        lines.append("  stages: " + ", ".join(f"{n}={'-' if rc is None else rc}" for n, rc in self.stages)
                     + f"; status {self.status}")
        lines.append(f"  parts ({len(self.parts)}):")
        for p in self.parts:
            seen = f" as {p.seen_as}" if p.seen_as and p.seen_as != p.filename else ""
            lines.append(f"    {p.filename or '-'} {p.content_type}{seen} -> {p.handler or 'UNHANDLED'}")
        if self.heat_files:
            lines.append(f"  files in {HEAT_DIR}:")
            lines += [f"    {f.mode} {f.owner} {f.size:>7} {f.path}" for f in self.heat_files]
        if self.heat_cfntools:
            state = ("did not run" if not self.loguserdata_ran
                     else f"ran cfn-userdata, exit {self.loguserdata_exit}")
            lines.append(f"  loguserdata.py: {state}; provision-finished: "
                         f"{'yes' if self.provision_finished else 'NO'}")
        if self.scripts:
            lines.append("  user scripts: " + ", ".join(f"{n} exit {rc}" for n, rc in self.scripts.items()))
        if self.provision_log is not None:
            lines.append("  /var/log/heat-provision.log:")
            lines += [f"    | {line}" for line in self.provision_log.splitlines()]
        final = self.final_output()
        if final and (not self.ok or not self.heat_cfntools):
            lines.append(f"  modules:final output in /var/log/cloud-init-output.log (last {OUTPUT_TAIL} lines):")
            lines += [f"    | {line}" for line in final[-OUTPUT_TAIL:]]
        if self.cfn_init:
            c = self.cfn_init
            lines.append(f"  cfn-init: {'ran' if c.ran else 'did not run (no /var/log/cfn-init.log)'}")
            for f in c.files:
                got = f"{f.found.mode} {f.found.owner}" if f.found else "MISSING"
                lines.append(f"    file {f.path}: {got} (declared {f.want_mode or '-'} {f.want_owner or '-'})")
            for name in c.commands:
                lines.append(f"    command {name}: {'ran' if name in c.commands_run else 'NOT RUN'}")
            for name in c.packages:
                lines.append(f"    package {name}: {'installed' if name in c.packages_installed else 'MISSING'}")
            for name in c.services:
                lines.append(f"    service {name}: "
                             f"{'enabled/started' if name in c.services_started else 'not touched'}")
        lines.append(f"  cloud-init WARNING/ERROR lines: {len(self.log_problems)}")
        lines += [f"    {line}" for line in self.log_problems]
        lines += [f"  note: {n}" for n in self.notes]
        problems = self.problems()
        if problems:
            lines.append("  problems:")
            lines += [f"    - {p}" for p in problems]
        return "\n".join(lines) + "\n"
