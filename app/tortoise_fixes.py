"""A workaround for tortoise-orm 1.1.9: CreateModel ignores `Meta.constraints`.

The migration state records the model's UniqueConstraint/CheckConstraint (so makemigrations
sees nothing missing), but the schema editor's `create_model` never emits them: the tables
came out without the invariants DESIGN.md wants in the database. We add them right after the
table is created, through the editor's own `add_constraint`. tests/test_migrations.py checks
that every declared constraint exists in the migrated database.
"""

from typing import Any

from tortoise.migrations.schema_editor.base import BaseSchemaEditor

_create_model = BaseSchemaEditor.create_model


async def _create_model_with_constraints(self: BaseSchemaEditor, model: Any) -> None:
    await _create_model(self, model)
    for constraint in getattr(model._meta, "constraints", ()) or ():
        await self.add_constraint(model, constraint)


def apply() -> None:
    if BaseSchemaEditor.create_model is not _create_model_with_constraints:
        BaseSchemaEditor.create_model = _create_model_with_constraints  # type: ignore[method-assign]
