"""A located problem with a submission: file, sheet, row, column, value and reason."""

from __future__ import annotations

from dataclasses import dataclass

MAX_VALUE_CHARS = 500


@dataclass(frozen=True)
class Issue:
    file: str | None
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    reason: str
    severity: str = "error"  # error: the submission is refused; warning: loaded, reported

    def __post_init__(self) -> None:
        # the value as written, for a person to find it: a 3 MB cell is named by its first 500 characters
        if self.value is not None and len(str(self.value)) > MAX_VALUE_CHARS:
            object.__setattr__(self, "value", str(self.value)[:MAX_VALUE_CHARS] + "…")

    def where(self) -> str:
        parts = [self.file or "(提交)"]
        if self.sheet:
            parts.append(f"工作表 {self.sheet}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"列 {self.column}")
        return "，".join(parts)

    def __str__(self) -> str:
        return f"{self.where()}：{self.reason}"
