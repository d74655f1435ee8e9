"""Heat-style cloud-init user data: part templates, deterministic MIME, cloud-config schema check.

Knows nothing of Pulumi. See DESIGN.md "userdata API".
"""

from userdata.builder import build_user_data
from userdata.errors import UserDataError
from userdata.model import Part, PartInfo, RenderedUserData, UserDataSpec

__all__ = ["Part", "PartInfo", "RenderedUserData", "UserDataError", "UserDataSpec", "build_user_data"]
