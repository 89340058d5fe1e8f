"""The demo's story, as data: who the consultancy and its clients are, every score, note, N/A
reason, override and corrective action. `assessment.demo.builder` turns it into assessments.

All names are invented; every note and reason is our own wording, never the standard's text.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment.scoring.findings import Finding
from assessment.workflow.corrective_action import ActionStatus, RootCauseMethod

CONSULTANCY = "Harrow & Lane Quality Consulting"

# An answer in the tables below: a score, NA (the reason sits in an *_NA table), or None for a
# criterion not yet assessed.
NA = "n/a"
Answer = int | str | None

# --- Kestrel Outdoor Supply: an online retailer of tents, stoves and climbing gear ----------
#
# Per criterion: (score a year ago, score now, the assessor's note now). The story the numbers
# tell: policy, roles and the register were put right after last year's gap analysis; the move
# to a new shop platform broke web-form acknowledgements (7.4) and a staffing gap over the peak
# let the backlog grow (4.3); the workshops have not yet reached 7.5.d onwards.
# fmt: off
KESTREL: dict[str, tuple[Answer, Answer, str]] = {
    "4.1.a": (2, 3, "Procedure CS-01 v4 §2 lists the principles. Last year's v2 named only speed and fairness."),
    "4.1.b": (2, 3, "Annex B of CS-01 maps each principle to a control (action A7); none left without one."),
    "4.1.c": (1, 2, "CS-01 has a change log, but neither change this year was checked against the principles."),
    "4.2.a": (2, 3, "CEO's staff update and the induction slides both say complaints are welcome; seen both."),
    "4.2.b": (2, 3, "Budget line 'customer care – complaints' approved; one extra handler post funded and filled."),
    "4.2.c": (2, 2, "Contact-team bonus still rewards a low complaint count. Two agents said they log some complaints as queries."),
    "4.3.a": (3, 1, "No staffing plan for the last peak season. Two handlers left and were not replaced for four months."),
    "4.3.b": (2, 1, "The backlog report died with the old platform; the team leader counts open cases by hand. 61 cases older than 20 working days on the day of our visit."),
    "4.3.c": (2, 3, "Handlers can now refund up to €150 and book a courier collection themselves."),
    "4.4.a": (2, 3, "'How to complain' page linked from the site footer and from every order confirmation; checked live."),
    "4.4.b": (2, 2, "Web page promises a reply within 5 working days; CS-01 says 10 and agents quote 10."),
    "4.4.c": (NA, NA, ""),
    "4.5.a": (2, 3, "Phone, e-mail, web form, chat and post all land in the case tool; the social team copies messages in daily."),
    "4.5.b": (1, 2, "Text relay and large-print letters offered. The case tool cannot record a nominated representative."),
    "4.5.c": (2, 3, "Complaint form rewritten in plain language; the readability check is kept with the form."),
    "4.6.a": (2, 2, "Safety flag exists but is optional. Two complaints about a stove flaring on ignition waited 3 and 5 days in the general queue."),
    "4.6.b": (1, 3, "Update every 5 working days is a case-tool task; on time in 18 of 20 sampled cases."),
    "4.6.c": (2, 3, "Monthly call listening, five calls per agent, scored against a courtesy checklist; last three months seen."),
    "4.7.a": (1, 3, "CS-01 §5.2: nobody handles a complaint about their own team (action A9). 10 of 10 sampled cases complied."),
    "4.7.b": (1, 2, "Declaration form exists; no conflict declared or acted on all year, which the manager finds unlikely too."),
    "4.7.c": (2, 3, "Call-back before the decision recorded in 9 of 10 sampled cases."),
    "4.8.a": (2, 4, "Terms §14 and the help centre both say complaining is free; legal checks the wording yearly."),
    "4.8.b": (1, 4, "One freephone number; prepaid return labels for faulty items since last year's action."),
    "4.8.c": (1, NA, ""),
    "4.9.a": (2, 3, "Category, product and channel are mandatory in the new case tool; outcome is mandatory at closure."),
    "4.9.b": (1, 2, "Team leader checks five records a month, but the errors found are not tracked to correction."),
    "4.9.c": (2, 3, "10 decision letters matched their case notes; one correction letter seen, openly worded."),
    "4.10.a": (2, 4, "Role-based access; access review minutes for the last three quarters (action A8)."),
    "4.10.b": (2, 3, "Privacy notice has a complaints section; retention of six years stated and applied in the tool."),
    "4.10.c": (2, 3, "A customer may ask that their name is not passed to the courier or supplier; CS-01 §7 bars restricting an account after a complaint."),
    "4.11.a": (1, 3, "'Outcome sought' field added to the intake form; filled in 17 of 20 sampled cases."),
    "4.11.b": (2, 3, "Remedy guide with limits: agent €50, team leader €150, manager above that."),
    "4.11.c": (2, 2, "Templates reviewed after last year's analysis, but two of five still open with 'We regret any inconvenience'."),
    "4.12.a": (2, 3, "Named owner on every case; a handover reassigns the owner with a note."),
    "4.12.b": (1, 3, "Decision matrix in CS-01 annex C; refunds over €150 carry the manager's approval in the log."),
    "4.12.c": (2, 2, "Missed deadlines are apologized for, but not recorded as handling errors or reviewed."),
    "4.13.a": (1, 3, "Objective 'repeat complaints down 20%' in the customer care plan, owned by the complaints manager."),
    "4.13.b": (1, 2, "Improvement log started six months ago with four entries; none records the effect yet."),
    "4.13.c": (1, 3, "Monthly 'what customers told us' note to warehouse and buying; minutes of two follow-ups seen."),
    "4.14.a": (2, 3, "Competence profiles for handler and team leader, covering vulnerability and data protection."),
    "4.14.b": (1, 2, "Training records complete for permanent staff; none for the six seasonal handlers who started last month."),
    "4.14.c": (2, 3, "Three case-file reviews per handler a month, with coaching notes kept."),
    "4.15.a": (2, 3, "Target times by priority: P1 24 hours, P2 5 working days, P3 10 working days."),
    "4.15.b": (2, 2, "Monthly breach report exists, but nobody looks at why targets were missed."),
    "4.15.c": (1, 2, "Next-action date is mandatory, yet 14 of the 61 aged cases had a date in the past."),
    "5.1.a": (2, 3, "Context note CS-CTX-01 covers channels, seasonality, consumer law and the platform move."),
    "5.1.b": (1, 3, "Interested parties listed in the same note with what each expects."),
    "5.1.c": (1, 2, "Legal register has the consumer-law time limits but not the duty to report unsafe products; no one named to keep it current."),
    "5.1.d": (2, 3, "Scope in CS-01 §1: all online sales; the outlet store excluded by board decision, minuted."),
    "5.2.a": (2, 3, "Board minutes approve the complaints policy and the extra handler post."),
    "5.2.b": (2, 2, "Case tool and one extra post funded, but the request for peak temps waited two months, until the backlog had grown."),
    "5.2.c": (1, 3, "Monthly complaints dashboard on the leadership agenda; prepaid return labels came out of it."),
    "5.3.a": (1, 4, "Policy POL-07 approved by the CEO, owner the complaints manager, review date set."),
    "5.3.b": (2, 3, "Policy on the help centre and the intranet; short and plainly worded."),
    "5.3.c": (1, 2, "Yearly review set but not yet due; POL-07 still says 10 working days where the web page says 5."),
    "5.4.1.a": (2, 3, "Terms of reference for the complaints manager signed by the operations director."),
    "5.4.1.b": (1, 3, "Serious complaints go straight to the operations director; used twice in the past year (stove flare-ups, an order e-mail sent to the wrong customer)."),
    "5.4.1.c": (1, 3, "Complaints a standing item of the quarterly management review; last two minutes seen."),
    "5.4.2.a": (0, 4, "Complaints manager named as representative in POL-07 §6, with authority to stop sales of a product pending investigation."),
    "5.4.2.b": (1, 3, "Monthly report to the operations director with recommendations; three seen."),
    "5.4.2.c": (2, 3, "Authority used once: the warehouse re-inspected a batch of tent poles at her request."),
    "5.4.3.a": (1, 2, "Complaints duties in the warehouse manager's objectives; not yet for buying or the web team."),
    "5.4.3.b": (2, 2, "Warehouse staff briefed; the web team has not had the briefing."),
    "5.4.3.c": (1, 3, "Internal limit of 3 working days for information requests; met in 12 of 14 sampled."),
    "5.4.4.a": (2, 2, "3 of 15 sampled calls were complaints logged as enquiries; agents miss those the caller does not call a complaint."),
    "5.4.4.b": (2, 3, "Agents could quote their remedy limits when asked."),
    "5.4.4.c": (2, 3, "Call script closes with next steps and the reference number; heard on every sampled call."),
    "5.4.5.a": (2, 2, "Office and warehouse staff know to use the complaints inbox; seasonal warehouse temps were never told."),
    "5.4.5.b": (2, 3, "Buying and warehouse answer information requests; see 5.4.3.c."),
    "5.4.5.c": (1, 3, "Quarterly intranet reminder; the latest one seen."),
    "6.1.a": (1, 3, "CS-01 v4 with a swim-lane map from receipt to closure and review."),
    "6.1.b": (1, 2, "Links to product safety and data protection written in; none to product development."),
    "6.1.c": (1, 2, "New intake form piloted with two agents before roll-out; customers were not asked."),
    "6.2.a": (2, 3, "Objectives: acknowledge within 1 working day, 80% resolved within 10, 70% satisfied with handling."),
    "6.2.b": (1, 1, "Contact team has objectives with owners; warehouse and web teams have none."),
    "6.2.c": (0, 2, "Objectives set a year ago and not reviewed since the platform move."),
    "6.3.a": (2, 3, "Every activity in CS-01 has its inputs, outputs and responsible role."),
    "6.3.b": (1, NA, ""),
    "6.3.c": (2, 3, "Internal review by the complaints manager is the second stage; no external scheme applies (see 7.9.c)."),
    "6.4.a": (1, 3, "Resource plan for complaints handling in the customer care budget paper."),
    "6.4.b": (2, 3, "New case tool with audit trail and reports; record of a restore test from a backup."),
    "6.4.c": (2, 3, "Training budget line; yearly refresher planned for every handler."),
    "7.1.a": (2, 3, "Help-centre page covers channels, details to give, stages, times and the internal review."),
    "7.1.b": (1, 2, "No set review: the page still gave the old postal address until we pointed it out."),
    "7.1.c": (2, 2, "Agents' knowledge base says 10 working days; the web page says 5 (see 4.4.b)."),
    "7.2.a": (1, 4, "One register in the case tool for every channel; references CMP-YYYY-NNNNN; volumes reconciled monthly."),
    "7.2.b": (2, 3, "Records carry all key fields; attachments stored on the case."),
    "7.2.c": (1, 2, "Social media copied in daily; complaints e-mailed to individual staff are not picked up."),
    "7.2.d": (1, 2, "Quick-close form used by about half the agents, so first-contact resolution cannot be counted yet."),
    "7.2.e": (2, 2, "Definition in CS-01 §3, but see 4.2.c: some complaints are logged as queries."),
    "7.3.a": (2, 4, "Full dated history of status, owner and actions on every case."),
    "7.3.b": (2, 3, "Status given by phone and chat on quoting the reference."),
    "7.3.c": (1, 2, "Cases idle for 7 days are flagged, but nobody works the list: 23 flagged on the day."),
    "7.4.a": (3, 1, "Web-form complaints get no automatic acknowledgement since the platform move; 9 of 20 sampled were never acknowledged. E-mail and phone are acknowledged within a day."),
    "7.4.b": (3, 2, "Acknowledgement gives the reference and the timescale but no named contact."),
    "7.4.c": (2, 2, "Always acknowledged by e-mail whatever the channel; a letter only on request."),
    "7.5.a": (1, 3, "Triage criteria in CS-01 §6: P1 safety, data and vulnerability; P2; P3."),
    "7.5.b": (2, 3, "Priority and target dates set at intake in 19 of 20 sampled cases."),
    "7.5.c": (2, 2, "Safety complaints reach the quality & safety manager only once an agent spots them; see 4.6.a."),
    "7.5.d": (1, None, ""),
    "7.6.a": (2, None, ""),
    "7.6.b": (2, None, ""),
    "7.6.c": (1, None, ""),
    "7.6.d": (1, None, ""),
    "7.6.e": (1, None, ""),
    "7.7.a": (2, None, ""),
    "7.7.b": (2, None, ""),
    "7.7.c": (1, None, ""),
    "7.7.d": (2, None, ""),
    "7.8.a": (2, None, ""),
    "7.8.b": (2, None, ""),
    "7.8.c": (1, None, ""),
    "7.9.a": (2, None, ""),
    "7.9.b": (1, None, ""),
    "7.9.c": (NA, NA, ""),
    "7.9.d": (1, None, ""),
    "8.1.a": (2, None, ""),
    "8.1.b": (1, None, ""),
    "8.1.c": (1, None, ""),
    "8.2.a": (1, None, ""),
    "8.2.b": (1, None, ""),
    "8.2.c": (0, None, ""),
    "8.2.d": (1, None, ""),
    "8.3.a": (1, None, ""),
    "8.3.b": (0, None, ""),
    "8.3.c": (1, None, ""),
    "8.4.a": (2, None, ""),
    "8.4.b": (1, None, ""),
    "8.4.c": (1, None, ""),
    "8.5.a": (0, None, ""),
    "8.5.b": (NA, None, ""),
    "8.5.c": (0, None, ""),
    "8.6.a": (1, None, ""),
    "8.6.b": (1, None, ""),
    "8.6.c": (1, None, ""),
    "8.6.d": (0, None, ""),
    "8.7.a": (1, None, ""),
    "8.7.b": (0, None, ""),
    "8.7.c": (1, None, ""),
}
# fmt: on

KESTREL_BASELINE_NA = {
    "4.4.c": "No regulator, trade scheme or contract asks Kestrel for complaint figures, and it has chosen not to publish them; reporting to the board is judged under 5.2.c.",
    "7.9.c": "No ombudsman or dispute-resolution scheme covers online retail in Kestrel's home market, and Kestrel belongs to no voluntary one: nothing can be referred.",
    "8.5.b": "There is no audit programme yet (8.5.a scores 0), so there are no auditors whose competence or independence could be judged.",
}

KESTREL_CURRENT_NA = {
    "4.4.c": "Still no regulator, trade scheme or contract that expects published complaint figures; confirmed with the operations director at the scoping meeting.",
    "4.8.c": "Nothing to sample: handlers cannot take payments, and faulty or wrong items come back on prepaid labels the case tool issues. Agreed with finance at scoping.",
    "6.3.b": "No third party receives or handles complaints any more: the overflow contact centre contract ended and couriers send customers back to Kestrel.",
    "7.9.c": "Kestrel's market still has no ombudsman or dispute-resolution scheme for online retail and Kestrel has joined none; decided at scoping. Revisit if it joins the trade body's pilot scheme.",
}

KESTREL_BASELINE_NOTES = {
    "4.1.a": "Procedure v2 mentions speed and fairness only.",
    "4.3.a": "Staffing planned in a spreadsheet from last year's volumes, peak included.",
    "4.3.b": "Backlog report from the old platform, reviewed weekly.",
    "4.8.b": "Customers pay return postage on faulty items.",
    "4.8.c": "3 of 10 sampled faulty-item returns paid their own postage.",
    "5.3.a": "No complaints policy; an old customer service charter mentions complaints in one line.",
    "5.4.2.a": "Nobody named; the customer care lead covers it informally.",
    "6.3.b": "Overflow calls go to an outsourced contact centre whose contract says nothing about complaints.",
    "7.2.a": "Three separate lists: e-mail inbox, phone log spreadsheet and the social team's tracker.",
    "7.4.a": "Auto-acknowledgement on web form and e-mail within minutes; phone complaints confirmed by e-mail.",
    "7.4.b": "Acknowledgement carries the reference, a named handler and the timescale.",
    "7.5.a": "No written triage; agents decide priority case by case.",
    "7.9.d": "Reopened cases are not marked as such.",
    "8.2.a": "Monthly count by channel only; no categories.",
    "8.5.a": "Complaints handling has never been audited.",
    "8.6.a": "No management review covers complaints.",
}

# Auditor's overrides of the finding the score alone would give, each with its reason.
KESTREL_OVERRIDES: dict[str, tuple[Finding, str]] = {
    "4.6.a": (
        Finding.MAJOR,
        "Scored 2 because the flag exists, but two stove complaints with a fire risk waited days "
        "unseen; a safety risk of this kind is a major nonconformity whatever the score says.",
    ),
    "5.3.b": (
        Finding.OFI,
        "Conforming as published, but only in English while about one order in eight ships to "
        "French-speaking customers; a translated summary would serve them.",
    ),
    "6.2.b": (
        Finding.MINOR,
        "The contact team, which handles about 85% of cases, has objectives with owners; the gap "
        "is confined to two small teams, so minor rather than major.",
    ),
}


@dataclass(frozen=True)
class _Action:
    ref: str
    title: str
    criteria: tuple[str, ...]
    owner: str
    due_in_days: int  # from the anchor date: today for live work, the end of a past assessment
    status: ActionStatus


COMPLAINTS_MANAGER = "Complaints manager – S. Brennan"
ECOMMERCE = "Head of e-commerce – L. Moreau"
SAFETY = "Quality & safety manager – D. Kowalczyk"
OPERATIONS = "Operations director – M. Castellano"
HR = "HR business partner – A. Nwosu"
DPO = "Data protection officer – K. Sato"
CUSTOMER_CARE = "Head of customer care – G. Adeyemi"

_OPEN, _IN_PROGRESS = ActionStatus.OPEN, ActionStatus.IN_PROGRESS
_DONE, _VERIFIED = ActionStatus.DONE, ActionStatus.VERIFIED

# fmt: off
# Raised after last year's gap analysis; all closed since (due dates after its end date).
KESTREL_BASELINE_ACTIONS = (
    _Action("A1", "Issue prepaid return labels for faulty and wrong items", ("4.8.b", "4.8.c"), ECOMMERCE, 60, _VERIFIED),
    _Action("A2", "Write a complaints policy and have the CEO approve it", ("5.3.a", "5.2.a"), CUSTOMER_CARE, 45, _VERIFIED),
    _Action("A3", "Name a complaints-handling representative with written authority", ("5.4.2.a",), OPERATIONS, 30, _VERIFIED),
    _Action("A4", "Bring every channel into one complaints register in the new case tool", ("7.2.a", "4.9.a"), ECOMMERCE, 150, _VERIFIED),
    _Action("A5", "Add a complaints section to the privacy notice", ("4.10.b",), DPO, 40, _DONE),
    _Action("A6", "Write triage criteria and set the priority at intake", ("7.5.a", "7.5.b"), COMPLAINTS_MANAGER, 90, _DONE),
    _Action("A7", "Draft an audit programme that covers complaints handling", ("8.5.a",), SAFETY, 180, _DONE),
)

# Raised during this year's review; due dates relative to today, several already missed.
KESTREL_CURRENT_ACTIONS = (
    _Action("A1", "Restore automatic acknowledgement of web-form complaints on the new shop platform", ("7.4.a", "7.4.b"), ECOMMERCE, -21, _IN_PROGRESS),
    _Action("A2", "Make the safety flag mandatory and route flagged complaints to the safety queue on arrival", ("4.6.a", "7.5.c"), SAFETY, -10, _OPEN),
    _Action("A3", "Plan complaints staffing for the peak from the last two years' volumes", ("4.3.a",), OPERATIONS, -35, _IN_PROGRESS),
    _Action("A4", "Rebuild the weekly backlog-by-age report with an escalation trigger and a look at the causes of breaches", ("4.3.b", "4.15.b", "4.15.c"), COMPLAINTS_MANAGER, -5, _OPEN),
    _Action("A5", "Train the seasonal handlers and record completion in the learning system", ("4.14.b",), HR, 30, _IN_PROGRESS),
    _Action("A6", "Set complaints objectives for the warehouse and web teams", ("6.2.b", "5.4.3.a"), OPERATIONS, 45, _OPEN),
    _Action("A7", "Map each principle to a control in the procedure", ("4.1.b",), COMPLAINTS_MANAGER, -20, _DONE),
    _Action("A8", "Review access rights to the case tool every quarter", ("4.10.a",), DPO, -55, _VERIFIED),
    _Action("A9", "Write down the rule that nobody handles a complaint about their own team", ("4.7.a",), COMPLAINTS_MANAGER, -40, _VERIFIED),
    _Action("A10", "Publish one set of target times in the policy, the web page and the agents' knowledge base", ("4.4.b", "5.3.c", "7.1.c"), CUSTOMER_CARE, 14, _OPEN),
    _Action("A11", "Make the quick-close form mandatory for complaints resolved at first contact", ("7.2.d",), CUSTOMER_CARE, 20, _IN_PROGRESS),
    _Action("A12", "Take the complaint count out of the contact-team bonus", ("4.2.c", "7.2.e"), CUSTOMER_CARE, 60, _OPEN),
)
# fmt: on

# The work written on this year's actions so far: (correction, root cause, how the cause was
# found, action plan). Open actions are still partly blank, as real ones are; the PDF action
# plan shows those parts as not recorded yet.
_WHYS, _FISHBONE, _OTHER = (
    RootCauseMethod.FIVE_WHYS,
    RootCauseMethod.FISHBONE,
    RootCauseMethod.OTHER,
)
ActionWork = tuple[str, str, RootCauseMethod | None, str]
KESTREL_CURRENT_WORK: dict[str, ActionWork] = {
    "A1": (
        "Wrote personally to the 212 web-form complainants who had no acknowledgement, within two days.",
        "The new shop platform's form does not call the case tool's acknowledgement hook; the migration checklist had no step for it.",
        _WHYS,
        "Connect the form to the hook, test it with one complaint from each channel, and add a daily count of unacknowledged cases to the team dashboard.",
    ),
    "A2": (
        "The safety manager reviewed both stove complaints the day they were found; the customers were called and the batch checked.",
        "The safety flag is optional and sits on the second screen, so agents under pressure skip it.",
        _FISHBONE,
        "",
    ),
    "A3": (
        "Two agents moved from sales to complaints for the rest of the season.",
        "Staffing is set once a year from headcount, not from complaint volumes, so the November peak is never planned for.",
        _WHYS,
        "A weekly staffing forecast from the last two years' volumes; the peak roster agreed with operations by September.",
    ),
    "A4": (
        "The 37 cases past their target time were listed and given owners at the team meeting.",
        "",
        None,
        "",
    ),
    "A5": (
        "",
        "Seasonal staff start in the week of the peak, and their induction leaves complaints to learning on the job.",
        _OTHER,
        "A two-hour complaints module in the learning system, done before the first shift; the team leader checks completion.",
    ),
    "A6": (
        "",
        "",
        None,
        "One measurable objective each for the warehouse and web teams, reviewed every quarter.",
    ),
    "A7": (
        "",
        "The procedure was written before the principles were agreed, and nobody linked the two.",
        _WHYS,
        "Add a table to the procedure naming the control for each principle; the complaints manager reviews it.",
    ),
    "A8": (
        "Removed the case-tool access of four people who had left or changed roles.",
        "Leavers lose their e-mail but not their case-tool account: nobody owns the case tool's user list.",
        _WHYS,
        "Every quarter, compare the case-tool users with the staff list from HR; the data protection officer signs it off.",
    ),
    "A9": (
        "Reassigned the two open cases that were being handled by the team they were about.",
        "The rule was followed by habit but never written down, so new team leaders did not know it.",
        _OTHER,
        "Write the rule into the procedure, and have the case tool warn when the handler's team is the subject of the complaint.",
    ),
    "A10": (
        "",
        "Each channel's owner wrote their own page, and nobody checks that they agree.",
        _FISHBONE,
        "",
    ),
    "A11": (
        "",
        "The quick-close form is optional, so complaints resolved at first contact leave no record.",
        _WHYS,
        "Make the form required before a contact can be closed as resolved.",
    ),
}

# --- Alder Vale Community Clinics: four clinics (family practice, physiotherapy, dental) ------
#
# Just begun: the kick-off workshop covered the first principles and the context.
# fmt: off
ALDER_VALE: dict[str, tuple[int, str]] = {
    "4.1.a": (1, "Patient charter mentions fairness; no list of principles for complaints."),
    "4.1.b": (0, "Nothing maps principles to practice yet."),
    "4.1.c": (0, "No record of any change to the process being checked."),
    "4.2.a": (2, "Waiting-room posters invite feedback; staff induction does not mention complaints."),
    "4.2.b": (1, "No budget line; the practice managers handle complaints on top of their jobs."),
    "4.2.c": (3, "Staff survey: 9 in 10 would pass on a complaint without fear; no target discourages it."),
    "4.3.a": (1, "About 40 complaints a year across four clinics; no planning, handled as they come."),
    "4.3.b": (2, "Practice managers keep a spreadsheet of open complaints; ages not tracked."),
    "4.3.c": (2, "Clinical complaints wait for the clinical lead's weekly session."),
    "4.4.a": (1, "How to complain appears only in the practice leaflet; nothing on the patient portal."),
    "4.4.b": (2, "The leaflet promises a reply in 20 working days, as the procedure says."),
    "4.4.c": (3, "Yearly complaint figures go to the health authority as required; last return seen."),
    "5.1.a": (2, "Context discussed at the kick-off; not written down beyond the minutes."),
    "5.1.b": (2, "Patients, carers, the health authority and the professional regulators named; expectations not set out."),
    "5.1.c": (1, "Health-authority complaint rules known to the practice managers; no register of obligations."),
    "5.1.d": (3, "Scope agreed at kick-off: all four clinics, clinical and non-clinical complaints."),
}
# fmt: on

# fmt: off
ALDER_VALE_ACTIONS = (
    _Action("A1", "Put how to give feedback or complain on the patient portal and in every waiting room", ("4.4.a",), "Patient experience lead – C. Doyle", 30, _OPEN),
    _Action("A2", "Write down the complaints-handling principles the clinics work to", ("4.1.a", "4.1.b"), "Practice manager – F. Mensah", 45, _OPEN),
)
# fmt: on

LEAD_ASSESSOR = f"Priya Raman (lead assessor, {CONSULTANCY})"
ASSESSOR = f"Tomás Lindqvist (assessor, {CONSULTANCY})"
KESTREL_CONTACT = "Grace Adeyemi (head of customer care, Kestrel Outdoor Supply)"
CLINICS_CONTACT = "Dr Helen Obi (clinical governance lead, Alder Vale Community Clinics)"
