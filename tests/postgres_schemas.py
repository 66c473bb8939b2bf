"""PostgreSQL schemas with every table made, lent to one test at a time and emptied after it.

Making the tables of a fresh schema takes PostgreSQL about a quarter of a second and dropping
them a tenth, for every test; emptying the tables and restarting their sequences takes a few
milliseconds. A test that leaves the schema in another shape than it got it (a table made,
dropped or changed, a migration's version table) has its schema dropped instead, so the next
test never sees what one before it did. Each test process lends its own schemas.
"""

from collections.abc import Iterator

import sqlalchemy as sa
from helpers import _postgres_schema_url, schema_script

from caregiver.extensions import db

# Every relation of the schema with its columns, and every constraint: what a test might change.
SHAPE = """
SELECT md5(string_agg(
           relation.relname || ':' || relation.relkind::text || ':' || coalesce(
               col.attname || ' ' || format_type(col.atttypid, col.atttypmod), ''),
           ',' ORDER BY relation.relname, col.attnum))
       || md5(coalesce((SELECT string_agg(conname || ':' || pg_get_constraintdef(oid), ','
                                          ORDER BY conname)
                        FROM pg_constraint WHERE connamespace = current_schema()::regnamespace),
                       ''))
FROM pg_class AS relation
LEFT JOIN pg_attribute AS col
  ON col.attrelid = relation.oid AND col.attnum > 0 AND NOT col.attisdropped
WHERE relation.relnamespace = current_schema()::regnamespace
"""

# Every id counting from 1 again, as in a fresh schema.
RESTART_SEQUENCES = """
SELECT setval(oid, 1, false) FROM pg_class
WHERE relkind = 'S' AND relnamespace = current_schema()::regnamespace
"""


class LentSchema:
    """One schema with the tables made, and what it takes to give it back empty."""

    def __init__(self, base_url: str):
        self.admin, self.name, self.url = _postgres_schema_url(base_url)
        self.engine = sa.create_engine(self.url, poolclass=sa.pool.StaticPool)
        try:
            with self.engine.begin() as connection:
                connection.exec_driver_sql(schema_script(self.engine))
                self.shape = connection.exec_driver_sql(SHAPE).scalar_one()
        except BaseException:
            self.drop()
            raise
        dialect = self.engine.dialect
        children_first = reversed(db.metadata.sorted_tables)
        deletes = [str(table.delete().compile(dialect=dialect)) for table in children_first]
        self.emptying = ";\n".join([*deletes, RESTART_SEQUENCES])

    def give_back(self) -> bool:
        """Empty the tables for the next test; False (and the schema dropped) if the test changed
        its shape or it cannot be emptied."""
        try:
            with self.engine.begin() as connection:
                if connection.exec_driver_sql(SHAPE).scalar_one() == self.shape:
                    connection.exec_driver_sql(self.emptying)
                    return True
        except sa.exc.DBAPIError:
            pass
        self.drop()
        return False

    def drop(self) -> None:
        self.engine.dispose()
        with self.admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{self.name}" CASCADE'))
        self.admin.dispose()


class SchemaLender:
    """The schemas of one test process: lent one at a time, each made once and reused."""

    def __init__(self):
        self.free: list[LentSchema] = []
        self.lent_url: str | None = None

    def lend(self, base_url: str) -> Iterator[str]:
        schema = self.free.pop() if self.free else LentSchema(base_url)
        self.lent_url = schema.url
        yield schema.url
        self.lent_url = None
        if schema.give_back():
            self.free.append(schema)

    def has_tables(self, url: str) -> bool:
        """Whether ``url`` is the schema lent now, whose tables are made."""
        return url == self.lent_url

    def close(self) -> None:
        while self.free:
            self.free.pop().drop()
