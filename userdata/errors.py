"""UserDataError: bad user data, reported with the server and the part it concerns."""

from __future__ import annotations


class UserDataError(ValueError):
    """Raised at render time; ``str()`` is one line naming the server (and the part)."""

    def __init__(self, message: str, *, server: str, part: str | None = None) -> None:
        self.message = message
        self.server = server
        self.part = part
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"server '{self.server}'"
        if self.part:
            where += f": part {self.part}"
        return f"{where}: {self.message}"
