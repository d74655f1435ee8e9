"""Pulumi program: build the stack file (or Heat/CFN template) named by config `stackFile`.

    pulumi config set stackFile stacks/web.yaml
    pulumi config set --path 'parameters.key_name' mykey
    pulumi config set --path 'parameters.db_password' --secret s3cret
"""

import pulumi

from components.program import build, config_secret_parameters

config = pulumi.Config()
parameters = config.get_object("parameters") or {}
env_files = config.get_object("environment") or []
if isinstance(env_files, str):
    env_files = [env_files]

outputs = build(config.get("stackFile") or "stacks/web.yaml", parameters, env_files=env_files,
                secret_parameters=config_secret_parameters())
for key, value in outputs.items():
    pulumi.export(key, value)
