"""User-facing errors: every bad input names the file, the resource and the field."""

from __future__ import annotations


class StackError(ValueError):
    """A problem with a stack file, template or parameter, reported on one line."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        resource: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.resource = resource
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.resource:
            where.append(f"resource '{self.resource}'")
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def with_context(
        self, *, file: str | None = None, resource: str | None = None, field: str | None = None
    ) -> StackError:
        """Return a copy with missing context filled in (inner errors lack the file name)."""
        return StackError(
            self.message,
            file=self.file or file,
            resource=self.resource or resource,
            field=self.field or field,
        )
