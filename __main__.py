"""Pulumi program: build the stack file (or Heat/CFN template, Kolla blueprint) named by config `stackFile`.

The body is `openstack_stacks.program.main`, which the offline render runs too.
"""

from openstack_stacks.program import main

main()
