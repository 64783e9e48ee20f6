"""The portal's page cache ("pages", a second database cache table by default) needs its table too."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_create_cache_table")]
    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
