"""AWS::IAM::User/AccessKey (no CFN API: empty credentials), LaunchConfiguration and OS::Heat::InstanceGroup."""

from __future__ import annotations

from typing import Any

import pulumi

from openstack_stacks import report
from openstack_stacks.heat.resources.base import HeatResource, Prop, register
from openstack_stacks.heat.resources.nested import TemplateComponent, group_policy_note
from openstack_stacks.heat.resources.nova import Ec2Instance
from openstack_stacks.heat.values import lift


@register
class IamUser(HeatResource):
    """Heat creates a Keystone user for cfn-hup / cfn-signal. There is no CFN API under Pulumi."""

    TYPES = ("AWS::IAM::User",)
    PROPERTIES = {"Path": Prop(), "Groups": Prop(), "LoginProfile": Prop(), "Policies": Prop()}
    REF = "user_name"

    def build(self) -> None:
        report.note(f"IAM user '{self.logical}' is not created: there is no CloudFormation API for heat-cfntools "
                    "to call under Pulumi (cfn-hup/cfn-signal cannot authenticate)")

    def user_name(self) -> str:
        return self.logical


@register
class IamAccessKey(HeatResource):
    TYPES = ("AWS::IAM::AccessKey",)
    PROPERTIES = {"UserName": Prop(required=True), "Serial": Prop(), "Status": Prop()}
    ATTRIBUTES = {"SecretAccessKey": "empty", "UserName": "user"}
    REF = "empty"

    def build(self) -> None:
        report.note(f"IAM access key '{self.logical}' is empty: no CloudFormation API under Pulumi")

    def empty(self) -> str:
        return ""

    def user(self) -> Any:
        return self.props["UserName"]


@register
class LaunchConfiguration(HeatResource):
    """Holds an instance definition (properties and Metadata) for a group; creates nothing itself."""

    TYPES = ("AWS::AutoScaling::LaunchConfiguration",)
    PROPERTIES = {key: Prop() for key in ("ImageId", "InstanceType", "KeyName", "SecurityGroups", "UserData",
                                          "NovaSchedulerHints", "KernelId", "RamDiskId", "InstanceId",
                                          "BlockDeviceMappings")}
    REF = "config"

    def build(self) -> None:
        if self.props["BlockDeviceMappings"] or self.props["InstanceId"]:
            raise self.fail("BlockDeviceMappings and InstanceId are not supported")

    def config(self) -> LaunchConfiguration:
        return self


@register
class InstanceGroup(HeatResource):
    """A fixed group of `Size` AWS::EC2::Instance members `<group>-<index>` from a launch configuration."""

    TYPES = ("OS::Heat::InstanceGroup",)
    PROPERTIES = {"LaunchConfigurationName": Prop(required=True), "Size": Prop(required=True),
                  "AvailabilityZones": Prop(ignored="Nova schedules"), "LoadBalancerNames": Prop(),
                  "Tags": Prop(default=[])}
    ATTRIBUTES = {"InstanceList": "instance_list"}
    REF = "group_name"

    def build(self) -> None:
        launch = self.props["LaunchConfigurationName"]
        if not isinstance(launch, LaunchConfiguration):
            raise self.fail("LaunchConfigurationName must Ref an AWS::AutoScaling::LaunchConfiguration")
        if self.props["LoadBalancerNames"]:
            raise self.fail("LoadBalancerNames is not supported")
        self.component = TemplateComponent(self.logical, "OS::Heat::InstanceGroup", self.child_opts())
        props = {k: v for k, v in launch.props.items() if v is not None and k in Ec2Instance.PROPERTIES}
        props["Tags"] = self.props["Tags"]
        self.members = []
        from openstack_stacks import limits

        size = limits.count(self.props["Size"], what="Size", file=self.scope.path, resource=self.name, field="Size")
        for index in range(size):
            member = Ec2Instance(f"{self.name}-{index}", "AWS::EC2::Instance", dict(props), self.scope,
                                 definition=launch.definition, depends_on=[],
                                 opts=pulumi.ResourceOptions(parent=self.component))
            member.build()
            self.members.append(member)
        self.resources.append(self.component)
        self.component.register_outputs({})
        report.note(f"instance group '{self.logical}' is a fixed group of {len(self.members)} instance(s)")
        group_policy_note(self, self.definition.get("UpdatePolicy") or self.definition.get("update_policy"))

    def group_name(self) -> str:
        return self.logical

    def instance_list(self) -> Any:
        return lift(lambda ips: ",".join(str(i) for i in ips), [m.first_address() for m in self.members])
