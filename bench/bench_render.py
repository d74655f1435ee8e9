"""Benchmark (not a test): components versus direct pulumi-openstack registration under the same mocks.

For N servers (each with a port, a data volume and Heat-style user data) it measures, each in a fresh
process: the stack built by the components from a stack file, and the same leaf resources registered
directly with pulumi-openstack by a hand-written program (same user data builder, same offline cloud,
same recording monitor), and that program again with each server's resources under one bare
ComponentResource ("wrapped": the SDK's own price of a component per server). Prints wall time, peak RSS
and their ratios, and user-data build time per server.

    python bench/bench_render.py [--sizes 10 100 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRIPT = "#!/bin/sh\\necho provisioning %index%\\n"


def stack_file(count: int, directory: Path) -> Path:
    path = directory / f"bench-{count}.yaml"
    path.write_text(f"""
networks:
  net:
    external_network: public
    subnets:
      sub: {{cidr: 10.0.0.0/16}}
security_groups:
  web:
    rules:
      - {{protocol: tcp, port: 80, remote_ip_prefix: 0.0.0.0/0}}
servers:
  vm:
    count: {count}
    image: debian-12
    flavor: m1.small
    ports: [{{network: net, security_groups: [web]}}]
    volumes: [{{name_suffix: data, size: 10}}]
    script: "{SCRIPT}"
""")
    return path


def direct_program(count: int, wrapped: bool = False) -> None:
    """The same leaf resources, registered directly (no components).

    `wrapped`: each server's port, instance and attachment under one bare ComponentResource (what any
    component-per-server design costs in the SDK, without our code).
    """
    import pulumi
    import pulumi_openstack as openstack

    from userdata import UserDataSpec, build_user_data

    ext = openstack.networking.get_network_output(name="public").id
    net = openstack.networking.Network("net", name="net", admin_state_up=True)
    sub = openstack.networking.Subnet("net-sub", name="sub", network_id=net.id, cidr="10.0.0.0/16", ip_version=4,
                                      enable_dhcp=True)
    router = openstack.networking.Router("net-router", name="net-router", admin_state_up=True,
                                         external_network_id=ext)
    rif = openstack.networking.RouterInterface("net-sub-rif", router_id=router.id, subnet_id=sub.id,
                                               opts=pulumi.ResourceOptions(depends_on=[sub]))
    sg = openstack.networking.SecGroup("web", name="web")
    openstack.networking.SecGroupRule("web-rule", security_group_id=sg.id, direction="ingress", ethertype="IPv4",
                                      protocol="tcp", port_range_min=80, port_range_max=80,
                                      remote_ip_prefix="0.0.0.0/0")
    for i in range(count):
        name = f"vm-{i}"
        vol = openstack.blockstorage.Volume(f"{name}-data", name=f"{name}-data", size=10,
                                            opts=pulumi.ResourceOptions(protect=True))
        parent = pulumi.ComponentResource("bench:index:Server", name) if wrapped else None
        port = openstack.networking.Port(f"{name}-port0", name=f"{name}-port0", network_id=net.id,
                                         fixed_ips=[openstack.networking.PortFixedIpArgs(subnet_id=sub.id)],
                                         security_group_ids=[sg.id], admin_state_up=True,
                                         opts=pulumi.ResourceOptions(depends_on=[sub, rif], parent=parent))
        script = SCRIPT.replace("\\n", "\n").replace("%index%", str(i))
        user_data = build_user_data(UserDataSpec(script=script), name).user_data
        inst = openstack.compute.Instance(name, name=name, flavor_name="m1.small", image_name="debian-12",
                                          networks=[openstack.compute.InstanceNetworkArgs(port=port.id)],
                                          user_data=user_data,
                                          opts=pulumi.ResourceOptions(depends_on=[sub, rif], parent=parent))
        openstack.compute.VolumeAttach(f"{name}-data-attach", instance_id=inst.id, volume_id=vol.id,
                                       opts=pulumi.ResourceOptions(delete_before_replace=True, parent=parent))
        if parent is not None:
            parent.register_outputs({"id": inst.id})


def measure_child(mode: str, count: int, workdir: str) -> dict:
    """Run inside a fresh process: one render, its time and peak RSS."""
    from openstack_stacks.tools.offline import render, run_program

    start = time.perf_counter()
    if mode == "components":
        plan = render(stack_file(count, Path(workdir)))
    else:
        plan = run_program(lambda: direct_program(count, wrapped=mode == "wrapped"), source=f"{mode}-{count}")
    elapsed = time.perf_counter() - start
    custom = sum(1 for r in plan.resources if r["custom"])
    return {"mode": mode, "count": count, "seconds": elapsed, "resources": custom,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def user_data_per_server(samples: int = 2000) -> float:
    """Milliseconds to build one server's HEAT_CFNTOOLS user data (median of batches)."""
    from userdata import UserDataSpec, build_user_data

    build_user_data(UserDataSpec(script="#!/bin/sh\necho warm\n"), "warm")
    batches = []
    for b in range(5):
        start = time.perf_counter()
        for i in range(samples // 5):
            build_user_data(UserDataSpec(script=f"#!/bin/sh\necho {b}-{i}\n"), f"vm-{i}")
        batches.append((time.perf_counter() - start) / (samples // 5))
    return statistics.median(batches) * 1000


def run(mode: str, count: int, workdir: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(count), workdir],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        mode, count, workdir = args.child
        print(json.dumps(measure_child(mode, int(count), workdir)))
        return
    with tempfile.TemporaryDirectory() as workdir:
        print(f"{'servers':>8} {'resources':>9} {'components s':>13} {'direct s':>9} {'time x':>7} "
              f"{'comp MB':>8} {'direct MB':>9} {'mem x':>6} {'wrapped s':>10} {'wrapped x':>10}", flush=True)
        for count in args.sizes:
            runs = {mode: [run(mode, count, workdir) for _ in range(args.repeat)]
                    for mode in ("components", "direct", "wrapped")}
            t = {mode: statistics.median(r["seconds"] for r in rs) for mode, rs in runs.items()}
            m = {mode: max(r["peak_rss_mb"] for r in rs) for mode, rs in runs.items()}
            print(f"{count:>8} {runs['components'][0]['resources']:>9} {t['components']:>13.2f} "
                  f"{t['direct']:>9.2f} {t['components'] / t['direct']:>7.2f} {m['components']:>8.0f} "
                  f"{m['direct']:>9.0f} {m['components'] / m['direct']:>6.2f} {t['wrapped']:>10.2f} "
                  f"{t['wrapped'] / t['direct']:>10.2f}", flush=True)
    print(f"user data: {user_data_per_server():.3f} ms per server (HEAT_CFNTOOLS, build_user_data)")


if __name__ == "__main__":
    main()
