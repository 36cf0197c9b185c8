"""Operations the migrations share (a name starting with "_" is not loaded as a migration)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.schema_editor.base import BaseSchemaEditor
from tortoise.migrations.schema_generator.state import State


class AddFieldWithDatabaseDefault(ops.AddField):
    """tortoise 1.1.9 adds a NOT NULL column without a database default, which fails on a
    table with rows (every hub of a running deployment): add the column with its default in
    SQL; the state changes as usual."""

    def __init__(self, *, sql: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.sql = sql

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        await ops.RunSQL(self.sql).database_forward(app_label, old_state, new_state, state_editor)


# Operations whose database_forward reads the new state only, or (RunSQL, RunPython) whose
# state_forward changes nothing: they need no copy of the state from before them.
_NEW_STATE_ONLY = (
    ops.CreateModel,
    ops.AddField,
    ops.AddIndex,
    ops.AddConstraint,
    ops.AlterModelOptions,
    ops.RunSQL,
    ops.RunPython,
)


class BaseMigration(migrations.Migration):
    """Every migration's base: applies like tortoise's, without copying the whole model state
    before each operation that never reads the copy. tortoise 1.1.9 clones the state (every
    model class rebuilt) before every operation; with 55 migrations that was most of the minute
    a fresh `communityhub migrate` took, paid by every new database (the tests' template,
    `communityhub dev`, CI)."""

    async def apply(
        self,
        state: State,
        *,
        dry_run: bool = False,
        schema_editor: BaseSchemaEditor | None = None,
        collect_sql: bool = False,
    ) -> State:
        if dry_run or collect_sql or schema_editor is None:
            return await super().apply(
                state, dry_run=dry_run, schema_editor=schema_editor, collect_sql=collect_sql
            )
        transactions = schema_editor.client.capabilities.supports_transactions
        for operation in self.operations:
            sparing = isinstance(operation, _NEW_STATE_ONLY)
            old_state = state if sparing else state.clone()
            operation.state_forward(self.app_label, state)
            await self._run_database_forward(
                operation, old_state, state, schema_editor, transactions
            )
        state.validate_relations_initialized()
        return state
