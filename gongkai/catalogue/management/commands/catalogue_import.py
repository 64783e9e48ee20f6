"""Bulk import of already-published items from a CSV, XLSX or JSON file: all rows, or none."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gongkai.agencies.models import Agency
from gongkai.catalogue.services.imports import FORMATS, items_import, read_rows


class Command(BaseCommand):
    help = "Import published catalogue items for an agency from CSV, XLSX or JSON (nothing is imported on any error)."

    def add_arguments(self, parser):
        parser.add_argument("agency", help="agency slug")
        parser.add_argument("file", help="a .csv, .xlsx or .json file")

    def handle(self, *args, **options):
        agency = Agency.objects.filter(slug=options["agency"]).first()
        if agency is None:
            raise CommandError(f"unknown agency: {options['agency']}")
        path = Path(options["file"])
        file_format = FORMATS.get(path.suffix.lower())
        if file_format is None or not path.exists():
            raise CommandError("the file must exist and end in .csv, .xlsx or .json")
        rows = read_rows(file_format, path.read_bytes())
        try:
            ids = items_import(actor=None, agency=agency, rows=rows)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError("nothing was imported") from None
        self.stdout.write(f"已导入 {len(ids)} 条")
