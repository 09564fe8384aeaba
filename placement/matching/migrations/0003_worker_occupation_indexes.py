"""`matching_occupations(wanted, skills)`: the occupations a worker's free-text answers name, in SQL, and per
occupation two partial indexes of the workers looking for work who name it: by home region (the near tiers of a
posting's candidates) and by the area they accept, newest first (the far tiers).

The keyword map is frozen here as it was when this migration was written; it must equal
`placement.matching.scoring.OCCUPATION_KEYWORDS` (a test checks), and a change to either needs a new migration that
replaces the function and rebuilds these indexes. PostgreSQL only: SQLite matches with LIKE.
"""

from django.db import migrations

KEYWORDS = {
    "general_worker": ("普工", "操作工", "流水线", "杂工", "包装"),
    "electronics": ("电子",),
    "sewing": ("缝纫", "服装", "制衣", "车工", "鞋厂"),
    "construction": ("建筑", "砌筑", "瓦工", "泥工", "木工", "钢筋", "装修"),
    "technician": ("技术工", "电工", "焊工", "钳工", "机修", "数控"),
    "tea_picking": ("采茶", "茶叶"),
    "cleaning": ("保洁", "清洁"),
    "security": ("保安",),
    "cook": ("厨",),
    "driver": ("司机", "驾驶", "叉车"),
    "courier": ("快递", "物流", "分拣", "配送"),
    "domestic": ("家政", "保姆", "月嫂", "育婴"),
    "sales": ("销售", "营业员", "导购"),
    "public_service": ("公益", "公共服务"),
}
LOOKING = "status IN ('returned', 'seeking') AND anonymised_at IS NULL"


def _function_sql():
    cases = ",\n".join(
        "CASE WHEN " + " OR ".join(f"strpos(x, '{word}') > 0" for word in words) + f" THEN '{code}' END"
        for code, words in KEYWORDS.items()
    )
    return (
        "CREATE OR REPLACE FUNCTION matching_occupations(wanted text, skills text) RETURNS text[] "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
        f"SELECT array_remove(ARRAY[{cases}], NULL) "
        "FROM (SELECT coalesce(wanted, '') || ' ' || coalesce(skills, '') AS x) AS typed $$"
    )


def _indexes():
    for code in KEYWORDS:
        names = f"matching_occupations(wanted_occupations, skills) @> ARRAY['{code}']"
        yield f"matching_worker_{code}_home", f"(home_region_id) WHERE {names} AND {LOOKING}"
        yield f"matching_worker_{code}_area", f"(wanted_area, registered_at DESC) WHERE {names} AND {LOOKING}"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_function_sql())
        for name, definition in _indexes():
            schema_editor.execute(f"CREATE INDEX {name} ON workers_worker {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _definition in _indexes():
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute("DROP FUNCTION IF EXISTS matching_occupations(text, text)")


class Migration(migrations.Migration):
    dependencies = [("matching", "0002_posting_match_indexes"), ("workers", "0003_worker_named_cities_index")]

    operations = [migrations.RunPython(create, drop)]
