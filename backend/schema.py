"""Creating and upgrading the schema: never dropped, recorded by version, changed with playhouse.migrate.

To change the schema of a released version: bump SCHEMA_VERSION and add a function to MIGRATIONS
that takes a playhouse.migrate migrator and returns the operations, e.g.
    3: lambda m: [m.add_column("post", "language", CharField(max_length=5, null=True))]
New tables need no migration: create_tables(safe=True) adds them.
"""
from peewee import CharField, IntegerField, Model
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

from .db import db, is_postgres
from .models import ALL_MODELS
from .models.base import utcnow

SCHEMA_VERSION = 1
MIGRATIONS: dict = {}     # version -> callable(migrator) -> list of operations


class SchemaVersion(Model):
    version = IntegerField()
    applied_at = CharField(max_length=40)

    class Meta:
        database = db
        table_name = "schema_version"


def current_version() -> int:
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else 0


def migrator():
    return PostgresqlMigrator(db.obj) if is_postgres() else SqliteMigrator(db.obj)


def upgrade(target=None, migrations=None) -> list[int]:
    """Create missing tables, apply pending migrations in order; return the versions applied."""
    target = SCHEMA_VERSION if target is None else target
    migrations = MIGRATIONS if migrations is None else migrations
    applied = []
    with db.connection_context():
        with db.atomic():
            db.create_tables([SchemaVersion], safe=True)
            version = current_version()
            if version == 0:
                db.create_tables(ALL_MODELS, safe=True)
                SchemaVersion.create(version=target, applied_at=utcnow().isoformat())
                return [target]
            for step in range(version + 1, target + 1):
                if step in migrations:
                    migrate(*migrations[step](migrator()))
                SchemaVersion.create(version=step, applied_at=utcnow().isoformat())
                applied.append(step)
            existing = set(db.get_tables())
            db.create_tables([m for m in ALL_MODELS if m._meta.table_name not in existing])   # new tables
    return applied
