"""Heat's parts (``heat/cloudinit/`` + ``build_userdata`` in heat/engine/clients/os/nova.py),
filled from the templates in ``userdata/parts/``, in Heat's order (heat-userdata.md §2)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from userdata import templates
from userdata.errors import UserDataError
from userdata.model import Part

HEAT_CFNINIT = "x-cfninitdata"
# Names the part handler writes for Heat itself; a user's x-cfninitdata part may not reuse them.
RESERVED_FILENAMES = frozenset(
    {"cfn-userdata", "cfn-init-data", "cfn-metadata-server", "cfn-boto-cfg", "provision-finished"}
)


def _fill(text: str, user: str | None) -> str:
    if user is None:
        return "".join(line for line in text.splitlines(keepends=True) if "@INSTANCE_USER@" not in line)
    return text.replace("@INSTANCE_USER@", user)


def head_parts(instance_user: str | None) -> list[Part]:
    """Rows 1-3: cloud-config, boothook.sh, part-handler.py."""
    boothook = templates.template(templates.BOOTHOOK).replace("@INSTANCE_USER@", instance_user or "")
    return [
        Part(_fill(templates.template(templates.CLOUD_CONFIG), instance_user), "cloud-config",
             "cloud-config"),
        Part(boothook, "cloud-boothook", "boothook.sh"),
        Part(templates.template(templates.PART_HANDLER), "part-handler", "part-handler.py"),
    ]


def cfn_userdata(script: str | None) -> Part:
    """Row 4a: the user's script, written by the part handler, run by loguserdata."""
    return Part(script or "", HEAT_CFNINIT, "cfn-userdata")


def loguserdata() -> Part:
    """Row 5."""
    return Part(templates.template(templates.LOGUSERDATA), "x-shellscript", "loguserdata.py")


def cfn_init_data(metadata: Mapping[str, Any] | None, server: str) -> list[Part]:
    """Row 6: canonical JSON (sorted keys, compact, ASCII) of the metadata; none when empty."""
    if metadata is None:
        return []
    if not isinstance(metadata, Mapping):
        raise UserDataError(f"metadata must be a mapping, not {type(metadata).__name__}", server=server)
    if not metadata:
        return []
    metadata = _json_file_contents_as_text(metadata)
    try:
        text = json.dumps(metadata, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                          allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise UserDataError(f"metadata is not JSON data: {exc}", server=server) from exc
    return [Part(text, HEAT_CFNINIT, "cfn-init-data")]


def _json_file_contents_as_text(metadata: Mapping[str, Any]) -> Mapping[str, Any]:
    """cfn-init `files` whose `content` is a JSON object, pre-encoded as the text cfn-init means to write.

    cfn-init writes such content as ``json.dumps(content, indent=4)``, but heat-cfntools on python3 writes
    the encoded bytes to a text-mode file and crashes (cfn_helper.FilesHandler). Sending the same text as a
    string gives the file cfn-init documents, on every heat-cfntools version.
    """
    init = metadata.get("AWS::CloudFormation::Init")
    if not isinstance(init, Mapping):
        return metadata
    configs = {}
    for config_name, config in init.items():
        files = config.get("files") if isinstance(config, Mapping) else None
        if isinstance(files, Mapping) and any(
            isinstance(f, Mapping) and isinstance(f.get("content"), (Mapping, list)) for f in files.values()
        ):
            files = {path: {**f, "content": json.dumps(f["content"], indent=4)}
                     if isinstance(f, Mapping) and isinstance(f.get("content"), (Mapping, list)) else f
                     for path, f in files.items()}
            config = {**config, "files": files}
        configs[config_name] = config
    return {**metadata, "AWS::CloudFormation::Init": configs}


def metadata_server_parts(url: str | None, host: str | None) -> list[Part]:
    """Rows 7-8, only with a CFN API URL. Pulumi has no Heat CFN API, so by default both parts
    are left out: heat-cfntools then cannot reach a metadata server and ``cfn-init`` reads the
    local ``/var/lib/heat-cfntools/cfn-init-data`` (its documented fall-back), and ``cfn-hup``
    has nothing to poll. Give ``metadata_server_url`` only when such an API really exists."""
    if url is None or host is None:
        return []
    server_text = templates.template(templates.METADATA_SERVER).replace("@METADATA_SERVER_URL@", url)
    boto = (templates.template(templates.BOTO_CFG)
            .replace("@IS_SECURE@", "1" if url.lower().startswith("https:") else "0")
            .replace("@METADATA_SERVER_HOST@", host))
    return [Part(server_text, HEAT_CFNINIT, "cfn-metadata-server"),
            Part(boto, HEAT_CFNINIT, "cfn-boto-cfg")]
