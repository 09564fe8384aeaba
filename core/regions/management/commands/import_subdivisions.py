from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from core.regions.services import read_subdivision_csv, regions_import_subdivisions
from core.spreadsheets import problem_line


class Command(BaseCommand):
    help = (
        "Import a county's townships and villages from a CSV with the columns 代码,名称 (or code,name): "
        "9-digit township codes and 12-digit village codes of the statistics bureau. All rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("county_code", help="the county's 6-digit code, e.g. 430181 for 浏阳市")
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args, county_code, csv_file, **options):
        try:
            rows = read_subdivision_csv(csv_file.read_bytes())
            townships, villages = regions_import_subdivisions(county_code=county_code, rows=rows)
        except ApplicationError as error:
            for problem in error.details.get("problems", []):
                self.stderr.write(problem_line(problem))
            raise CommandError(error.message) from error
        except OSError as error:
            raise CommandError(f"Cannot read {csv_file}: {error.strerror}") from error
        self.stdout.write(self.style.SUCCESS(f"Imported {townships} townships and {villages} villages."))
