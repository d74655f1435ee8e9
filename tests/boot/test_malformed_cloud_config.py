"""A malformed cloud-config fails at render time, before any boot; cloud-init alone would only warn."""

from __future__ import annotations

import pytest

from components.errors import StackError
from userdata import Part, UserDataError, UserDataSpec, build_user_data

BAD_YAML = "#cloud-config\nwrite_files: [\n  - path: /etc/x\n"
BAD_SCHEMA = "#cloud-config\nwrite_files:\n  - content: no path given\n"


@pytest.mark.parametrize("content", [BAD_YAML, BAD_SCHEMA], ids=["yaml", "schema"])
def test_builder_refuses_malformed_cloud_config(content: str) -> None:
    spec = UserDataSpec(script="#!/bin/sh\ntrue\n", parts=(Part(content, "cloud-config"),))
    with pytest.raises(UserDataError) as caught:
        build_user_data(spec, "bad-config")
    assert "bad-config" in str(caught.value)


def test_render_refuses_stack_with_malformed_cloud_config(write_stack, render) -> None:
    path = write_stack("""
        networks:
          net:
            subnets:
              sub: {cidr: 10.0.0.0/24}
        servers:
          broken:
            image: debian-12
            flavor: m1.small
            ports: [{network: net, subnet: sub}]
            script: |
              #!/bin/sh
              true
            user_data_parts:
              - type: cloud-config
                content:
                  write_files:
                    - {content: no path given}
        """)
    with pytest.raises(StackError) as caught:
        render(path)
    assert "broken" in str(caught.value)


@pytest.mark.boot
def test_cloud_init_alone_only_warns(boot) -> None:
    """Why the render-time check exists: booted anyway, every stage exits 0 and only the log complains."""
    good = "#cloud-config\nwrite_files:\n  - {path: /etc/ok, content: ok}\n"
    mime = build_user_data(UserDataSpec(script="#!/bin/sh\ntrue\n", parts=(Part(good, "cloud-config"),)),
                           "bad-config").mime
    assert good.encode() in mime
    report = boot(mime.replace(good.encode(), BAD_SCHEMA.encode()), server="bad-config")
    assert [rc for _stage, rc in report.stages] == [0, 0, 0, 0]
    assert report.provision_finished
    assert any("Invalid cloud-config provided" in line for line in report.log_problems), report.to_text()
    assert not report.ok
