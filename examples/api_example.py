"""The Python API in one script: checklists, a portable file, a store, the services, reports.

Run it from the repository: `.venv/bin/python examples/api_example.py [OUT_DIR]`. Reports are
written to OUT_DIR (a new temporary folder when none is given). The database is the one the
settings name (DATABASE_URL, else `iso10002.db` in ISO10002_DATA_DIR). When neither is set,
it is a SQLite file in OUT_DIR, so trying the script never touches your `data/` folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from assessment.access.roles import Actor, Role
from assessment.checklist.loader import find_checklist, find_checklist_path, load_checklist
from assessment.errors import UserError
from assessment.portable.assessment_file import load_assessment_file
from assessment.reports.csv_export import write_actions_csv, write_criteria_csv
from assessment.reports.data import gather_report
from assessment.reports.excel_export import write_workbook
from assessment.reports.pdf import pdf_bytes
from assessment.scoring.engine import score_assessment
from assessment.scoring.numbers import percent
from assessment.services.accounts import actor_for, create_user
from assessment.services.assessments import create_assessment, list_assessments, open_assessment
from assessment.services.exchange import import_assessment
from assessment.services.memberships import grant_role
from assessment.services.organizations import create_organization, list_organizations
from assessment.services.responses import set_response
from assessment.settings import DATA_DIR, DATABASE_URL, check_settings, database_url
from assessment.storage.store import Store
from assessment.workflow.response import Response

EXAMPLE_FILE = Path(__file__).resolve().parent / "northwind-2018.yaml"


def main(out: Path) -> None:
    # 1. Checklists: a built-in one by id, and one read from a file path.
    checklist = find_checklist("iso10002-2018")
    older = load_checklist(find_checklist_path("iso10002-2014"))
    print(f"checklist {checklist.id}: {len(checklist.criteria)} criteria")
    print(f"checklist {older.id} (from its file): {len(older.criteria)} criteria")

    # 2. A portable assessment file, scored as `iso10002 score` scores it.
    loaded = load_assessment_file(EXAMPLE_FILE)
    portable = loaded.assessment
    score = score_assessment(
        loaded.checklist,
        portable.scoring_responses(),
        portable.action_links(),
        supported=portable.supported_criteria(date.today()),
    )
    print(f"file readiness: {percent(score.readiness)}")
    print(f"file completion: {percent(score.overall.completion)}")
    print(f"file verdict: {score.overall.verdict.label}")

    # 3. A store and the services. Every call takes the store and the acting user.
    if not os.environ.get(DATA_DIR.name) and not os.environ.get(DATABASE_URL.name):
        os.environ[DATA_DIR.name] = str(out)
    check_settings()  # refuses an unusable setting, as the app and the command line do
    store = Store.open(database_url())  # brings the schema up to date
    try:
        admin = Actor.local_admin("API example")  # the command line's local administrator
        organization = create_organization(store, admin, "Example Co")
        first = create_assessment(store, admin, organization.id, checklist, "First look")
        # A write names the version it was based on (0: never answered), against lost updates.
        set_response(store, admin, first.id, "4.1.a", Response(score=2), expected_version=0)
        imported = import_assessment(store, admin, loaded, source=EXAMPLE_FILE.name)
        stored = open_assessment(store, admin, imported.assessment.id).score
        print(f"stored readiness: {percent(stored.readiness)}")
        names = [o.name for o in list_organizations(store, admin)]
        print(f"organizations: {', '.join(names)}")
        for record in list_assessments(store, admin):
            print(f"assessment {record.id}: {record.title} ({record.organization_name})")

        # A user who may only look at one organization, and what that user is refused.
        user = create_user(store, admin, username="vera", display_name="Vera Viewer")
        grant_role(store, admin, "vera", organization.id, Role.VIEWER)
        viewer = actor_for(store, user.id)
        seen = [o.name for o in list_organizations(store, viewer)]
        print(f"viewer sees: {', '.join(seen)}")
        try:
            create_assessment(store, viewer, organization.id, checklist, "Not allowed")
        except UserError as error:  # every refusal the toolkit explains is a UserError
            print(f"viewer refused ({type(error).__name__}): {error}")

        # 4. Reports: one ReportData, then PDF bytes, the Excel workbook and two CSV files.
        data = gather_report(store, admin, imported.assessment.id)
        pdf = pdf_bytes(data)
        (out / "report.pdf").write_bytes(pdf)
        written = [
            out / "report.pdf",
            write_workbook(data, out / "report.xlsx"),
            write_criteria_csv(data, out / "report-criteria.csv"),
            write_actions_csv(data, out / "report-actions.csv"),
        ]
        for path in written:
            print(f"wrote {path.name}: {path.stat().st_size} bytes")
    finally:
        store.dispose()


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="iso10002-"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"output folder: {out}")
    main(out)
