"""openstack-stacks front-ends and tools: stack files, Heat/CFN templates, Kolla, and the offline wing.

Dependencies point one way: `openstack_stacks.tools` (offline render, diff, adopt, boot-test, CLI) ->
the front-ends (`stackfile`, `heat`, `kolla`, `program`) -> `components` (the component library) ->
`pulumi_openstack`. `userdata` knows nothing of Pulumi.
"""
