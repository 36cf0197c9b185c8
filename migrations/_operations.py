"""Operations the migrations share (a name starting with "_" is not loaded as a migration)."""

from tortoise.migrations import operations as ops


class AddFieldWithDatabaseDefault(ops.AddField):
    """tortoise 1.1.9 adds a NOT NULL column without a database default, which fails on a
    table with rows (every hub of a running deployment): add the column with its default in
    SQL; the state changes as usual."""

    def __init__(self, *, sql: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.sql = sql

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        await ops.RunSQL(self.sql).database_forward(app_label, old_state, new_state, state_editor)
