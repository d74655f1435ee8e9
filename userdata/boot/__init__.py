"""Boot harness: real cloud-init and heat-cfntools consume rendered user data (issue 3).

A cached Debian root filesystem (``userdata.boot.rootfs``) is booted per server in an overlay inside
fresh mount/UTS/IPC/PID/network namespaces, seeded like Nova's config drive; all four cloud-init stages
run and a ``BootReport`` says what happened. Knows nothing of Pulumi.
"""

from userdata.boot.harness import BootUnavailableError, available, boot
from userdata.boot.report import BootReport, CfnInitReport, DeclaredFile, FileReport, PartReport

__all__ = ["BootReport", "BootUnavailableError", "CfnInitReport", "DeclaredFile", "FileReport", "PartReport",
           "available", "boot"]
