"""The offline wing: render under Pulumi's mocks, the offline cloud, schema check, diff, adopt, boot-test, CLI."""
