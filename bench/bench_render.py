"""Benchmark (not a test): the offline render against a fair floor, diff cost, scale and critical paths.

The stack: N servers, each with a port on a /16, a floating IP and its association, a data volume and its
attachment and HEAT_CFNTOOLS user data; plus a key pair, a network with subnet, router and router
interface, and a security group with two rules: 8 + 6N leaf resources.

The floor registers the same 8 + 6N leaf resources directly with pulumi-openstack (no component), with
the same inputs and the same user data bytes (checked before timing: every leaf's type, name, inputs and
protect/deleteBeforeReplace options are compared), under the same mocks (the offline cloud, the recording
monitor and the inline executor without which the SDK's mocks re-enter the event loop); that
is the bare SDK's price for these registrations. Each measurement runs in a fresh process; CPU is the
process CPU time of the render call (imports done before in both), memory the process's peak RSS.

    python bench/bench_render.py                       # ratios at 10 100 1000 3000, diff cost, critical paths
    python bench/bench_render.py --sizes 1000 10000 --repeat 1 --no-diff --no-paths   # scale
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRIPT = "#!/bin/sh\\necho provisioning %index%\\n"
PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBenchBenchBenchBenchBenchBenchBenchBench bench"
EXAMPLES = ("stacks/web.yaml", "stacks/app-db.yaml", "stacks/kolla-aio.yaml", "stacks/kolla-ha.yaml")


def stack_file(count: int, directory: Path, flavor: str = "m1.small") -> Path:
    path = directory / f"bench-{count}-{flavor}.yaml"
    path.write_text(f"""
keypairs:
  ops: {{public_key: "{PUBLIC_KEY}"}}
networks:
  net:
    external_network: public
    subnets:
      sub: {{cidr: 10.0.0.0/16}}
security_groups:
  web:
    rules:
      - {{protocol: tcp, port: 80, remote_ip_prefix: 0.0.0.0/0}}
      - {{protocol: tcp, port: 22, remote_ip_prefix: 0.0.0.0/0}}
servers:
  vm:
    count: {count}
    image: debian-12
    flavor: {flavor}
    key_pair: ops
    ports: [{{network: net, security_groups: [web], floating_ip: public}}]
    volumes: [{{name_suffix: data, size: 10}}]
    script: "{SCRIPT}"
""")
    return path


def floor_program(count: int) -> None:
    """The same 8 + 6N leaf resources and inputs, registered directly with pulumi-openstack."""
    import pulumi
    import pulumi_openstack as openstack

    from userdata import UserDataSpec, build_user_data

    ext = openstack.networking.get_network_output(name="public").id
    openstack.compute.Keypair("ops", name="ops", public_key=PUBLIC_KEY)
    net = openstack.networking.Network("net", name="net", admin_state_up=True)
    router = openstack.networking.Router("net-router", name="net-router", admin_state_up=True,
                                         external_network_id=ext)
    sg = openstack.networking.SecGroup("web", name="web")
    sub = openstack.networking.Subnet("net-sub", name="sub", network_id=net.id, cidr="10.0.0.0/16", ip_version=4,
                                      enable_dhcp=True)
    for port in (80, 22):
        openstack.networking.SecGroupRule(f"web-ingress-ipv4-tcp-{port}-0.0.0.0_0", security_group_id=sg.id,
                                          direction="ingress", ethertype="IPv4", protocol="tcp",
                                          port_range_min=port, port_range_max=port, remote_ip_prefix="0.0.0.0/0")
    rif = openstack.networking.RouterInterface("net-sub-rif", router_id=router.id, subnet_id=sub.id)
    for i in range(count):
        name = f"vm-{i}"
        vol = openstack.blockstorage.Volume(f"{name}-data", name=f"{name}-data", size=10,
                                            opts=pulumi.ResourceOptions(protect=True))
        port = openstack.networking.Port(f"{name}-port0", name=f"{name}-port0", network_id=net.id,
                                         fixed_ips=[openstack.networking.PortFixedIpArgs(subnet_id=sub.id)],
                                         security_group_ids=[sg.id], admin_state_up=True)
        fip = openstack.networking.FloatingIp(f"{name}-port0-fip", pool="public", description=f"{name} port0",
                                              opts=pulumi.ResourceOptions(depends_on=[rif]))
        script = SCRIPT.replace("\\n", "\n").replace("%index%", str(i))
        user_data = build_user_data(UserDataSpec(script=script), name).user_data
        inst = openstack.compute.Instance(name, name=name, flavor_name="m1.small", image_name="debian-12",
                                          key_pair="ops", user_data=user_data,
                                          networks=[openstack.compute.InstanceNetworkArgs(port=port.id)])
        openstack.networking.FloatingIpAssociate(f"{name}-port0-fip-assoc", floating_ip=fip.address,
                                                 port_id=port.id, opts=pulumi.ResourceOptions(depends_on=[rif]))
        openstack.compute.VolumeAttach(f"{name}-data-attach", instance_id=inst.id, volume_id=vol.id,
                                       opts=pulumi.ResourceOptions(delete_before_replace=True))


def leaf_signature(plan: Any) -> list[tuple]:
    """What makes two renders register the same leaves: type, name, inputs, the options that matter."""
    return sorted((r["type"], r["name"], json.dumps(r["inputs"], sort_keys=True), r["options"]["protect"],
                   r["options"]["deleteBeforeReplace"]) for r in plan.resources if r["custom"])


def measure_child(mode: str, count: int, workdir: str) -> dict:
    """Inside a fresh process: one render (imports done first), its CPU time, wall time and peak RSS."""
    import pulumi_openstack  # noqa: F401 - imported before timing in both modes

    import components  # noqa: F401
    from openstack_stacks.tools.offline import render, run_program

    path = stack_file(count, Path(workdir))
    cpu, wall = time.process_time(), time.perf_counter()
    if mode == "components":
        plan = render(path)
    else:
        plan = run_program(lambda: floor_program(count), source=f"floor-{count}")
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"mode": mode, "count": count, "cpu": cpu, "wall": wall,
            "resources": sum(1 for r in plan.resources if r["custom"]),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def check_floor_is_fair(count: int = 3) -> None:
    """The floor registers exactly the components' leaves (inputs, user data bytes, options)."""
    from openstack_stacks.tools.offline import render, run_program

    with tempfile.TemporaryDirectory() as workdir:
        ours = render(stack_file(count, Path(workdir)))
    floor = run_program(lambda: floor_program(count), source="floor")
    if leaf_signature(ours) != leaf_signature(floor):
        mismatch = set(leaf_signature(ours)) ^ set(leaf_signature(floor))
        raise SystemExit(f"floor is not the same leaves: {sorted(mismatch)[:4]}")
    assert len(leaf_signature(ours)) == 8 + 6 * count


def run(mode: str, count: int, workdir: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(count), workdir],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ratios(sizes: list[int], repeat: int, workdir: str) -> list[dict]:
    print(f"{'servers':>8} {'leaves':>7} {'render cpu s':>13} {'floor cpu s':>12} {'cpu x':>6} "
          f"{'render MB':>10} {'floor MB':>9} {'mem x':>6}", flush=True)
    rows = []
    for count in sizes:
        n = repeat if count <= 1000 else 1
        runs = {mode: [run(mode, count, workdir) for _ in range(n)] for mode in ("components", "floor")}
        cpu = {m: statistics.median(r["cpu"] for r in rs) for m, rs in runs.items()}
        mem = {m: max(r["peak_rss_mb"] for r in rs) for m, rs in runs.items()}
        row = {"servers": count, "leaves": runs["components"][0]["resources"],
               "render_cpu_s": round(cpu["components"], 2), "floor_cpu_s": round(cpu["floor"], 2),
               "cpu_ratio": round(cpu["components"] / cpu["floor"], 2), "render_mb": round(mem["components"]),
               "floor_mb": round(mem["floor"]), "memory_ratio": round(mem["components"] / mem["floor"], 2)}
        rows.append(row)
        print(f"{count:>8} {row['leaves']:>7} {row['render_cpu_s']:>13.2f} {row['floor_cpu_s']:>12.2f} "
              f"{row['cpu_ratio']:>6.2f} {row['render_mb']:>10} {row['floor_mb']:>9} {row['memory_ratio']:>6.2f}",
              flush=True)
    return rows


def scale(sizes: list[int], workdir: str) -> list[dict]:
    """The components' render alone at large sizes: CPU and peak RSS per server (linear growth)."""
    rows = []
    for count in sizes:
        r = run("components", count, workdir)
        rows.append({"servers": count, "leaves": r["resources"], "render_cpu_s": round(r["cpu"], 1),
                     "render_mb": round(r["peak_rss_mb"]), "cpu_ms_per_server": round(r["cpu"] / count * 1000, 1)})
        print(f"scale {count} servers: {r['cpu']:.1f} s CPU ({r['cpu'] / count * 1000:.1f} ms per server), "
              f"{r['peak_rss_mb']:.0f} MB peak", flush=True)
    return rows


def _timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "components", *argv], cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - start


def diff_cost(count: int, workdir: str) -> dict:
    """Plan-to-plan diff (two plan.json files), stack-to-stack diff (two renders) and one render, as commands."""
    old, new = stack_file(count, Path(workdir)), stack_file(count, Path(workdir), flavor="m1.medium")
    render_s = statistics.median(_timed(["render", str(old), "--out", f"{workdir}/old"]) for _ in range(2))
    _timed(["render", str(new), "--out", f"{workdir}/new"])
    plan_s = statistics.median(_timed(["diff", f"{workdir}/old", f"{workdir}/new"]) for _ in range(3))
    stack_s = statistics.median(_timed(["diff", str(old), str(new)]) for _ in range(2))
    print(f"diff at {count} servers: plan-to-plan {plan_s:.2f} s; stack-to-stack {stack_s:.2f} s = "
          f"{stack_s / render_s:.2f}x one render ({render_s:.2f} s, command wall time)", flush=True)
    return {"servers": count, "plan_to_plan_s": round(plan_s, 2), "stack_to_stack_s": round(stack_s, 2),
            "render_s": round(render_s, 2), "stack_to_stack_ratio": round(stack_s / render_s, 2)}


def critical_paths() -> list[dict]:
    from openstack_stacks.tools.graph import critical_path_numbers

    rows = []
    for source, built, minimal, chain in critical_path_numbers(EXAMPLES):
        rows.append({"stack": source, "built_s": round(built), "minimal_s": round(minimal),
                     "ratio": round(built / minimal, 2), "chain": chain})
        print(f"critical path {source}: {built:.0f} s as built, {minimal:.0f} s minimal "
              f"({built / minimal:.2f}x); chain: {' > '.join(chain)}", flush=True)
    return rows


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


GOALS = {"cpu_ratio": 1.0, "memory_ratio": 1.1, "plan_to_plan_s": 0.5, "stack_to_stack_ratio": 1.5}


def goal_verdicts(results: dict[str, Any]) -> list[tuple[str, bool, str]]:
    """Each speed goal of the benchmark, whether the recorded figures meet it, and the figures."""
    big = [r for r in results["ratios"] if r["servers"] >= 1000]
    out = [
        (f"render CPU at most {GOALS['cpu_ratio']:.1f}x the floor at 1000 servers and more",
         all(r["cpu_ratio"] <= GOALS["cpu_ratio"] for r in big), ", ".join(f"{r['cpu_ratio']:.2f}x" for r in big)),
        (f"memory at most {GOALS['memory_ratio']:.1f}x", all(r["memory_ratio"] <= GOALS["memory_ratio"] for r in big),
         ", ".join(f"{r['memory_ratio']:.2f}x" for r in big)),
    ]
    d = results.get("diff")
    if d:
        out += [(f"plan-to-plan diff under {GOALS['plan_to_plan_s']} s", d["plan_to_plan_s"] < GOALS["plan_to_plan_s"],
                 f"{d['plan_to_plan_s']:.2f} s"),
                (f"stack-to-stack diff at most {GOALS['stack_to_stack_ratio']}x one render",
                 d["stack_to_stack_ratio"] <= GOALS["stack_to_stack_ratio"], f"{d['stack_to_stack_ratio']:.2f}x")]
    return out


def readme_figures(results: dict[str, Any]) -> str:
    """The README's benchmark figures, from the recorded results (tests/test_readme.py checks they match)."""
    lines = ["| servers | leaf resources | render CPU | floor CPU | CPU ratio | render peak RSS | floor peak RSS "
             "| memory ratio |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results["ratios"]:
        lines.append(f"| {r['servers']} | {r['leaves']} | {r['render_cpu_s']:.2f} s | {r['floor_cpu_s']:.2f} s | "
                     f"{r['cpu_ratio']:.2f} | {r['render_mb']} MB | {r['floor_mb']} MB | {r['memory_ratio']:.2f} |")
    d = results.get("diff")
    if d:
        lines += ["", f"Diff at {d['servers']} servers (command wall time): plan-to-plan {d['plan_to_plan_s']:.2f} s; "
                      f"stack-to-stack {d['stack_to_stack_s']:.2f} s, {d['stack_to_stack_ratio']:.2f}x one render "
                      f"({d['render_s']:.2f} s)."]
    lines += ["", "Goals: " + "; ".join(f"{goal}: {'met' if ok else 'missed'} ({figure})"
                                        for goal, ok, figure in goal_verdicts(results)) + "."]
    if results.get("scale"):
        parts = [f"{r['servers']} servers {r['render_cpu_s']:.1f} s CPU ({r['cpu_ms_per_server']:.1f} ms per "
                 f"server), {r['render_mb']} MB" for r in results["scale"]]
        lines += ["", "Scale (the render alone): " + "; ".join(parts) + "."]
    if results.get("critical_paths"):
        lines += ["", "| stack | critical path as built | minimal graph | ratio |", "|---|---:|---:|---:|"]
        lines += [f"| `{r['stack']}` | {r['built_s']} s | {r['minimal_s']} s | {r['ratio']:.2f} |"
                  for r in results["critical_paths"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 3000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size up to 1000 servers (1 above)")
    parser.add_argument("--scale", type=int, nargs="*", default=[], help="render alone at these sizes")
    parser.add_argument("--diff-at", type=int, default=1000)
    parser.add_argument("--no-diff", action="store_true")
    parser.add_argument("--no-paths", action="store_true")
    parser.add_argument("--record", help="write the figures as JSON (bench/results.json, quoted by README)")
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        mode, count, workdir = args.child
        print(json.dumps(measure_child(mode, int(count), workdir)))
        return
    check_floor_is_fair()
    results: dict[str, Any] = {"machine": f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at start"}
    with tempfile.TemporaryDirectory() as workdir:
        results["ratios"] = ratios(args.sizes, args.repeat, workdir) if args.sizes else []
        if args.scale:
            results["scale"] = scale(args.scale, workdir)
        if not args.no_diff:
            results["diff"] = diff_cost(args.diff_at, workdir)
    if not args.no_paths:
        results["critical_paths"] = critical_paths()
    results["user_data_ms_per_server"] = round(user_data_per_server(), 3)
    print(f"user data: {results['user_data_ms_per_server']:.3f} ms per server (HEAT_CFNTOOLS, build_user_data)")
    if args.record:
        previous = json.loads(Path(args.record).read_text()) if Path(args.record).exists() else {}
        previous.update(results)
        Path(args.record).write_text(json.dumps(previous, indent=2) + "\n")
        print(readme_figures(previous))


if __name__ == "__main__":
    main()
